package io.ann4j.runtime.cpu.select;

/**
 * The TPU-style partial reduction (XLA's {@code PartialReduce}) for a block of rows: column
 * {@code j} falls in bin {@code j mod L}, and each bin keeps its best element (largest selection
 * key; on a tie the lower index, because columns arrive in increasing order). Expected recall of
 * the top-k over L bins is about ((L-1)/L)^(k-1). Keys are f32 selection keys; an empty bin has
 * index -1.
 */
public final class RowBins {
    private final int rows;
    private final int bins;
    private final int[] keys;
    private final int[] indices;

    public RowBins(int rows, int bins) {
        this.rows = rows;
        this.bins = bins;
        this.keys = new int[Math.multiplyExact(rows, bins)];
        this.indices = new int[rows * bins];
        java.util.Arrays.fill(keys, Integer.MIN_VALUE);
        java.util.Arrays.fill(indices, -1);
    }

    public int rows() {
        return rows;
    }

    public int bins() {
        return bins;
    }

    /** Backing arrays, row-major {@code [rows, bins]}, for the vectorised scanners. */
    public int[] keys() {
        return keys;
    }

    public int[] indices() {
        return indices;
    }

    /** Offers one element (scalar tails and the scalar twin). */
    public void offer(int r, int key, int index) {
        int at = r * bins + Math.floorMod(index, bins);
        int cur = indices[at];
        if (cur < 0 || key > keys[at] || (key == keys[at] && index < cur)) {
            keys[at] = key;
            indices[at] = index;
        }
    }

    /** Merges another block's bins for the same rows (the better of each pair). */
    public void mergeFrom(RowBins other) {
        for (int i = 0; i < keys.length; i++) {
            int oi = other.indices[i];
            if (oi < 0) {
                continue;
            }
            if (indices[i] < 0 || other.keys[i] > keys[i] || (other.keys[i] == keys[i] && oi < indices[i])) {
                keys[i] = other.keys[i];
                indices[i] = oi;
            }
        }
    }
}
