package io.ann4j.compiler.spi;

import io.ann4j.compiler.ir.Permutations;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runs a row-wise computation along any axis: the axis is moved last, the array flattened to
 * {@code [rows, n]}, the computation run on it, and each of its {@code [rows, m]} results reshaped
 * and moved back, the axis now {@code m} long. How a backend lowers top-k, approximate top-k and
 * sorts over an axis that is not the last. Support code that names no backend.
 */
public final class AlongAxis {
    private AlongAxis() {}

    /**
     * @param x    the operand
     * @param axis the axis the computation runs along
     * @param rows the computation on {@code [rows, n]} c-order arrays; each result {@code [rows, m]}
     * @return the results, each shaped as {@code x} with the axis {@code m} long, c-order
     */
    public static List<INDArray> apply(INDArray x, int axis, Function<INDArray, List<INDArray>> rows) {
        return apply(List.of(x), axis, flat -> rows.apply(flat.get(0)));
    }

    /** {@link #apply(INDArray, int, Function)} for operands of one shape, run together (keys and values of a sort). */
    public static List<INDArray> apply(List<INDArray> xs, int axis, Function<List<INDArray>, List<INDArray>> rows) {
        int rank = xs.get(0).rank();
        int[] perm = Permutations.moveLast(rank, axis);
        int[] inverse = Permutations.inverse(perm);
        List<INDArray> flat = new ArrayList<>();
        INDArray moved = null;
        for (INDArray x : xs) {
            moved = x.permute(perm).dup('c');
            long n = moved.size(rank - 1);
            flat.add(moved.reshape('c', n == 0 ? 0 : moved.length() / n, n));
        }
        List<INDArray> out = new ArrayList<>();
        for (INDArray r : rows.apply(flat)) {
            long[] shape = moved.shape().clone();
            shape[rank - 1] = r.size(1);
            out.add(r.reshape('c', shape).permute(inverse).dup('c'));
        }
        return out;
    }
}
