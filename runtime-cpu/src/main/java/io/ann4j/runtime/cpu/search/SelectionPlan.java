package io.ann4j.runtime.cpu.search;

import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.ops.ApproxTopK;
import io.ann4j.compiler.ops.ApproxTopKShape;
import io.ann4j.compiler.ops.Op;
import io.ann4j.compiler.ops.TopK;

/**
 * How a top-k reduction runs on the CPU. Two algorithms, both exact about what they return:
 * <ul>
 *   <li>{@code threshold}: the exact top-K of each row (K = k, or XLA's output size when
 *   {@code aggregateToTopk} is false), every element tested against the current K-th best. Its
 *   recall is 1, which always meets the target; it is the default because it is also the
 *   fastest here (0.08-0.10 ns per score against 0.15-0.18 for bins, measured on a Zen 4).</li>
 *   <li>{@code bins}: the TPU algorithm, XLA's {@code PartialReduce}: L bins (XLA's output size,
 *   from {@link ApproxTopKShape}), column j in bin j mod L, then the top k over the bins. Recall
 *   about ((L-1)/L)^(k-1). Runs where XLA would reduce and the scores are f32.</li>
 * </ul>
 *
 * @param isMax     largest (true) or smallest
 * @param outSize   results per row (the reduction dimension's size in the output)
 * @param capacity  threshold mode: entries kept per row
 * @param binCount  bins mode: the number of bins, else 0
 * @param inputSize the reduction dimension's size
 */
public record SelectionPlan(boolean isMax, int outSize, int capacity, int binCount, int inputSize) {

    /** The option key that picks the algorithm: {@code threshold} (default) or {@code bins}. */
    public static final String OPTION = "cpu.selection";

    public boolean usesBins() {
        return binCount > 0;
    }

    /** The plan for a top-k op over an operand whose reduction dimension has {@code n} elements. */
    public static SelectionPlan of(Op reduction, TensorType operand, String mode, boolean f32Scores) {
        if (!mode.equals("threshold") && !mode.equals("bins")) {
            throw new IllegalArgumentException(OPTION + " must be 'threshold' or 'bins', got '" + mode + "'");
        }
        return switch (reduction) {
            case TopK t -> {
                int n = operand.dim(operand.rank() - 1);
                yield new SelectionPlan(true, t.k(), t.k(), 0, n);
            }
            case ApproxTopK a -> {
                int n = operand.dim(a.params().axis(operand.rank()));
                int out = Math.toIntExact(a.outputSize(operand).outputSize());
                ApproxTopKShape.Result bins = a.binPlan(operand);
                if (mode.equals("bins") && f32Scores && bins.reduces()) {
                    yield new SelectionPlan(a.params().isMaxK(), out, 0, Math.toIntExact(bins.outputSize()), n);
                }
                yield new SelectionPlan(a.params().isMaxK(), out, Math.min(out, n), 0, n);
            }
            default -> throw new IllegalArgumentException("not a top-k op: " + reduction.name());
        };
    }
}
