package io.ann4j.compiler.ir;

import java.util.Arrays;

/**
 * An immutable list of ints (a shape, a permutation, a list of axes) with value semantics, so
 * that the op records holding it compare, hash and print by value: graphs are cache keys.
 */
public final class Dims implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private static final Dims EMPTY = new Dims(new int[0]);
    private final int[] values;

    private Dims(int[] values) {
        this.values = values;
    }

    /** Copies {@code values}. */
    public static Dims of(int... values) {
        return values.length == 0 ? EMPTY : new Dims(values.clone());
    }

    /** The empty list. */
    public static Dims empty() {
        return EMPTY;
    }

    /** 0, 1, ..., n-1. */
    public static Dims range(int n) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
        }
        return new Dims(v);
    }

    public int size() {
        return values.length;
    }

    public int get(int i) {
        return values[i];
    }

    /** A copy of the values. */
    public int[] toArray() {
        return values.clone();
    }

    public boolean contains(int v) {
        for (int x : values) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    /** Product of the values (the element count of a shape), as a long. */
    public long product() {
        long p = 1;
        for (int v : values) {
            p *= v;
        }
        return p;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Dims d && Arrays.equals(values, d.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return Arrays.toString(values);
    }
}
