package io.ann4j.compiler.interpret;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.Permutations;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.ops.ApproxTopK;
import io.ann4j.compiler.ops.TotalOrder;
import java.util.Arrays;
import java.util.List;

/**
 * The ops that order: top-k, approximate top-k and {@code sort_key_val}, all in ann4j's total order
 * -NaN < -inf < ... < -0.0 < +0.0 < ... < +inf < +NaN, ties to the lower index. The reference
 * answers every approximate top-k exactly: recall 1, which meets any target.
 */
final class SelectionOps {
    private SelectionOps() {}

    /** {@code top_k}: the {@code k} largest along the last axis, largest first. */
    static List<RefArray> topK(RefArray x, int k) {
        return select(x, x.rank() - 1, k, true);
    }

    /**
     * {@code approx_max_k}/{@code approx_min_k}: the exact best of XLA's output size along the
     * reduction axis ({@code k}, or more when {@code aggregateToTopk} is false); slots beyond the
     * axis's length hold the init value (-inf for max, +inf for min) and index -1, as XLA pads.
     */
    static List<RefArray> approxTopK(ApproxTopK op, RefArray x, TensorType operand) {
        int axis = op.params().axis(x.rank());
        int out = Math.toIntExact(op.outputSize(operand).outputSize());
        return select(x, axis, out, op.params().isMaxK());
    }

    private static List<RefArray> select(RefArray x, int axis, int size, boolean max) {
        int rank = x.rank();
        int[] perm = Permutations.moveLast(rank, axis);
        RefArray moved = ShapeOps.transpose(x, perm);
        int n = x.shape()[axis];
        int rows = RefArray.product(moved.shape(), 0, rank - 1);
        int[] shape = moved.shape().clone();
        shape[rank - 1] = size;
        RefArray values = RefArray.zeros(x.dtype(), shape);
        RefArray indices = RefArray.zeros(DType.I32, shape);
        double pad = max ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        for (int r = 0; r < rows; r++) {
            Integer[] order = order(moved.data(), r * n, n, max);
            for (int i = 0; i < size; i++) {
                boolean present = i < n;
                values.data()[r * size + i] = present ? moved.data()[r * n + order[i]] : pad;
                indices.data()[r * size + i] = present ? order[i] : -1;
            }
        }
        int[] inverse = Permutations.inverse(perm);
        return List.of(ShapeOps.transpose(values, inverse), ShapeOps.transpose(indices, inverse));
    }

    /** Positions {@code 0..n-1} of {@code data[from..]}, best first (stable: ties keep the lower index first). */
    private static Integer[] order(double[] data, int from, int n, boolean max) {
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> {
            int c = Long.compare(key(data[from + a]), key(data[from + b]));
            return max ? -c : c;
        });
        return idx;
    }

    /** The total order's key of a value: doubles hold every dtype's values exactly, so one key serves all. */
    private static long key(double v) {
        return TotalOrder.doubleKey(v);
    }

    /** {@code sort_key_val}: a stable ascending sort of keys along {@code dimension}, values carried along. */
    static List<RefArray> sortKeyVal(RefArray keys, RefArray values, int dimension) {
        int rank = keys.rank();
        int[] perm = Permutations.moveLast(rank, dimension);
        RefArray k = ShapeOps.transpose(keys, perm);
        RefArray v = ShapeOps.transpose(values, perm);
        int n = keys.shape()[dimension];
        int rows = n == 0 ? 0 : k.size() / n;
        RefArray kOut = RefArray.zeros(k.dtype(), k.shape());
        RefArray vOut = RefArray.zeros(v.dtype(), v.shape());
        for (int r = 0; r < rows; r++) {
            Integer[] order = order(k.data(), r * n, n, false);
            for (int i = 0; i < n; i++) {
                kOut.data()[r * n + i] = k.data()[r * n + order[i]];
                vOut.data()[r * n + i] = v.data()[r * n + order[i]];
            }
        }
        int[] inverse = Permutations.inverse(perm);
        return List.of(ShapeOps.transpose(kOut, inverse), ShapeOps.transpose(vOut, inverse));
    }
}
