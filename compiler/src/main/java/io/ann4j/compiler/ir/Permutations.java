package io.ann4j.compiler.ir;

/** Axis permutations as {@code transpose} takes them (output axis i reads input axis {@code perm[i]}). */
public final class Permutations {
    private Permutations() {}

    /** The permutation that moves {@code axis} last, keeping the others in order. */
    public static int[] moveLast(int rank, int axis) {
        int[] p = new int[rank];
        for (int i = 0, j = 0; i < rank; i++) {
            if (i != axis) {
                p[j++] = i;
            }
        }
        p[rank - 1] = axis;
        return p;
    }

    /** The permutation that undoes {@code perm}. */
    public static int[] inverse(int[] perm) {
        int[] inv = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            inv[perm[i]] = i;
        }
        return inv;
    }
}
