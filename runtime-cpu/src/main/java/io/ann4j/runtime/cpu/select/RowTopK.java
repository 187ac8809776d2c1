package io.ann4j.runtime.cpu.select;

import io.ann4j.compiler.ops.TotalOrder;

/**
 * Exact top-K per row, for a block of rows: each row keeps its best K (key, index) pairs sorted
 * by key descending, then index ascending. A candidate is offered only after a vector compare
 * against {@link #threshold}, so most elements never reach this class (FAISS's pattern: test
 * against the current k-th best before any heap work).
 *
 * <p>Keys are the selection keys of {@link TotalOrder}, widened to long so that f32 and f64 share
 * this code. Ties at the threshold keep the lower index because every scanner visits a row's
 * columns in increasing order and merges compare (key, index).
 */
public final class RowTopK {
    private final int rows;
    private final int capacity;
    private final long[] keys;
    private final int[] indices;
    private final int[] counts;
    /** Per row, the int key a candidate must reach (>=) to be offered; MIN_VALUE while not full. */
    private final int[] floatThreshold;
    private final long[] doubleThreshold;

    public RowTopK(int rows, int capacity) {
        this.rows = rows;
        this.capacity = capacity;
        this.keys = new long[Math.multiplyExact(rows, capacity)];
        this.indices = new int[rows * capacity];
        this.counts = new int[rows];
        this.floatThreshold = new int[rows];
        this.doubleThreshold = new long[rows];
        java.util.Arrays.fill(floatThreshold, Integer.MIN_VALUE);
        java.util.Arrays.fill(doubleThreshold, Long.MIN_VALUE);
    }

    public int rows() {
        return rows;
    }

    public int capacity() {
        return capacity;
    }

    /** The f32 key a candidate must be >= to to matter, for row {@code r}. */
    public int threshold(int r) {
        return floatThreshold[r];
    }

    /** The f64 key a candidate must be >= to to matter, for row {@code r}. */
    public long thresholdLong(int r) {
        return doubleThreshold[r];
    }

    public int count(int r) {
        return counts[r];
    }

    public long key(int r, int i) {
        return keys[r * capacity + i];
    }

    public int index(int r, int i) {
        return indices[r * capacity + i];
    }

    /** Offers (key, index) to row {@code r}; kept if among the best K seen so far. */
    public void offer(int r, long key, int index) {
        int base = r * capacity;
        int n = counts[r];
        if (n == capacity) {
            long last = keys[base + n - 1];
            if (key < last || (key == last && index > indices[base + n - 1])) {
                return;
            }
            n--;
        } else {
            counts[r] = n + 1;
        }
        // Insertion from the end: K is small (k, or the bins' count) and most offers land late.
        int pos = n;
        while (pos > 0) {
            long pk = keys[base + pos - 1];
            if (pk > key || (pk == key && indices[base + pos - 1] < index)) {
                break;
            }
            keys[base + pos] = pk;
            indices[base + pos] = indices[base + pos - 1];
            pos--;
        }
        keys[base + pos] = key;
        indices[base + pos] = index;
        if (counts[r] == capacity) {
            long t = keys[base + capacity - 1];
            doubleThreshold[r] = t;
            floatThreshold[r] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, t));
        }
    }

    /** Merges another block's state for the same rows into this one. */
    public void mergeFrom(RowTopK other) {
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < other.counts[r]; i++) {
                offer(r, other.key(r, i), other.index(r, i));
            }
        }
    }
}
