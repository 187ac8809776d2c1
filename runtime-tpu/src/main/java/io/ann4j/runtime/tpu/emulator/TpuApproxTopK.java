package io.ann4j.runtime.tpu.emulator;

import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.ops.ApproxTopK;
import io.ann4j.compiler.ops.ApproxTopKParams;
import io.ann4j.compiler.ops.ApproxTopKShape;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * XLA's {@code ApproxTopK} as the TPU runs it (xla/client/lib/approx_topk.cc), on the CPU:
 * <ol>
 *   <li>{@code ApproxTopKReductionOutputSize} (ann4j's one port, {@link ApproxTopKShape}) gives
 *   the number of bins L and log2 of the inputs per bin; at or below the tiling (128, or 1024 for
 *   rank 1), or with log2 = 0, there is no reduction;</li>
 *   <li>{@code PartialReduce}: bin b keeps the best of the inputs j with j mod L = b. The TPU-KNN
 *   paper (Chern et al., 2022, section 5) reduces strided windows so that each bin is one lane
 *   of the operand laid out as [N / L, L]; public sources do not fix the order inside a bin, so
 *   the inputs are reduced in increasing j, starting from the init value (-inf or +inf, index
 *   -1), each step {@code select(cmp(acc, x), acc, x)} as XLA's reduction computation does;</li>
 *   <li>with {@code aggregateToTopk}: a sort by the comparator and a slice to k (for k = 1 the
 *   same select-reduction over the candidates); without it, the bins in bin order, unsorted.</li>
 * </ol>
 * The comparator is the one JAX emits, a plain {@code GT} (max) or {@code LT} (min): NaN compares
 * false both ways and equal values compare false, so a bin keeps the later of two ties and a NaN
 * survives only as a bin's last input; the sort is a stable merge sort (XLA's sort is not
 * required to be stable; this is one valid order). Unlike the CPU backend's total order, -0.0
 * and +0.0 tie here.
 */
public final class TpuApproxTopK {
    private TpuApproxTopK() {}

    /** Runs over a dense {@code [rows, n]} f32 or f64 operand; returns values and i32 indices. */
    public static List<INDArray> run(ApproxTopK op, TensorType operandType, INDArray rowsByN) {
        ApproxTopKParams p = op.params();
        int rows = (int) rowsByN.size(0);
        int n = (int) rowsByN.size(1);
        ApproxTopKShape.Result plan = op.binPlan(operandType);
        boolean reduce = n > ApproxTopKShape.tiling(operandType.rank()) && plan.reduces();
        int candidates = reduce ? Math.toIntExact(plan.outputSize()) : n;
        int out = Math.toIntExact(op.outputSize(operandType).outputSize());
        double init = p.isMaxK() ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        double[][] data = rowsByN.castTo(DataType.DOUBLE).toDoubleMatrix();
        double[] values = new double[rows * out];
        int[] indices = new int[rows * out];
        double[] cv = new double[candidates];
        int[] ci = new int[candidates];
        for (int r = 0; r < rows; r++) {
            double[] x = data[r];
            if (reduce) {
                for (int b = 0; b < candidates; b++) {
                    double acc = init;
                    int accIndex = -1;
                    for (int j = b; j < n; j += candidates) {
                        if (!better(acc, x[j], p.isMaxK())) {
                            acc = x[j];
                            accIndex = j;
                        }
                    }
                    cv[b] = acc;
                    ci[b] = accIndex;
                }
            } else {
                for (int j = 0; j < n; j++) {
                    cv[j] = x[j];
                    ci[j] = j;
                }
            }
            if (!p.aggregateToTopk()) {
                // XLA's output size can exceed the operand (129-255 inputs and a large override):
                // the missing elements are the init value and index -1.
                for (int i = 0; i < out; i++) {
                    values[r * out + i] = i < candidates ? cv[i] : init;
                    indices[r * out + i] = i < candidates ? ci[i] : -1;
                }
            } else if (p.k() == 1) {
                double acc = init;
                int accIndex = -1;
                for (int j = 0; j < candidates; j++) {
                    if (!better(acc, cv[j], p.isMaxK())) {
                        acc = cv[j];
                        accIndex = ci[j];
                    }
                }
                values[r * out] = acc;
                indices[r * out] = accIndex;
            } else {
                int[] order = mergeSort(cv, candidates, p.isMaxK());
                for (int i = 0; i < out; i++) {
                    values[r * out + i] = i < candidates ? cv[order[i]] : init;
                    indices[r * out + i] = i < candidates ? ci[order[i]] : -1;
                }
            }
        }
        long[] shape = {rows, out};
        INDArray v = Nd4j.create(values, shape, 'c');
        return List.of(rowsByN.dataType() == DataType.DOUBLE ? v : v.castTo(DataType.FLOAT),
                Nd4j.createFromArray(indices).reshape('c', shape));
    }

    /** JAX's comparator: {@code a > b} for max, {@code a < b} for min (false for NaN and ties). */
    static boolean better(double a, double b, boolean isMax) {
        return isMax ? a > b : a < b;
    }

    /** A stable merge sort of positions by the comparator (only ever asks cmp(a, b)). */
    static int[] mergeSort(double[] v, int n, boolean isMax) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        int[] tmp = new int[n];
        for (int width = 1; width < n; width *= 2) {
            for (int lo = 0; lo < n - width; lo += 2 * width) {
                int mid = lo + width;
                int hi = Math.min(lo + 2 * width, n);
                int i = lo;
                int j = mid;
                int k = lo;
                while (i < mid && j < hi) {
                    // take the right element first only if it must come before the left one
                    tmp[k++] = better(v[a[j]], v[a[i]], isMax) ? a[j++] : a[i++];
                }
                while (i < mid) {
                    tmp[k++] = a[i++];
                }
                while (j < hi) {
                    tmp[k++] = a[j++];
                }
                System.arraycopy(tmp, lo, a, lo, hi - lo);
            }
        }
        return a;
    }
}
