package io.ann4j.cli.io;

/**
 * A small matrix on the heap, to be written: float32 values or int32 ids, row-major.
 *
 * @param rows   number of rows
 * @param cols   number of columns
 * @param floats the values, or null when {@code ints} holds the data
 * @param ints   the ids, or null when {@code floats} holds the data
 */
public record Table(int rows, int cols, float[] floats, int[] ints) {
    public Table {
        int n = Math.multiplyExact(rows, cols);
        if ((floats == null) == (ints == null) || (floats != null ? floats.length : ints.length) != n) {
            throw new IllegalArgumentException("a Table holds exactly one of floats or ints, of rows x cols = " + n + " elements");
        }
    }

    /** A float32 table. */
    public static Table ofFloats(int rows, int cols, float[] values) {
        return new Table(rows, cols, values, null);
    }

    /** An int32 table. */
    public static Table ofInts(int rows, int cols, int[] ids) {
        return new Table(rows, cols, null, ids);
    }

    /** Whether this holds ids. */
    public boolean isInts() {
        return ints != null;
    }

    /** Element {@code i} (row-major) as a double. */
    public double get(int i) {
        return floats != null ? floats[i] : ints[i];
    }

    float[][] floatRows() {
        float[][] out = new float[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[r][c] = (float) get(r * cols + c);
            }
        }
        return out;
    }

    int[][] intRows() {
        int[][] out = new int[rows][];
        for (int r = 0; r < rows; r++) {
            out[r] = java.util.Arrays.copyOfRange(ints, r * cols, (r + 1) * cols);
        }
        return out;
    }
}
