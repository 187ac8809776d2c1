package io.ann4j.compiler.ops;

import io.ann4j.compiler.ir.ShapeError;

/**
 * The one port of XLA's {@code ApproxTopKReductionOutputSize}
 * (xla/client/lib/approx_topk_shape.cc): how many results the approximate reduction keeps along
 * its dimension, and the log2 of the number of inputs each bin reduces. Shape inference and every
 * kernel that bins call this, so the compiler and the runtimes cannot disagree about a shape.
 */
public final class ApproxTopKShape {
    /** TPU tiling of rank 2+ operands (lanes). */
    public static final int LANE_TILING = 128;
    /** TPU tiling of rank 1 operands (chunks). */
    public static final int CHUNK_TILING = 1024;

    /**
     * @param outputSize   the size of the reduction dimension after the reduction
     * @param log2Reduction log2 of the inputs per bin; 0 means no reduction (an exact sort)
     */
    public record Result(long outputSize, int log2Reduction) {
        /** Whether the TPU algorithm would run its partial reduction at all. */
        public boolean reduces() {
            return log2Reduction > 0;
        }
    }

    private ApproxTopKShape() {}

    /** The tiling XLA uses for an operand of this rank. */
    public static int tiling(int rank) {
        return rank == 1 ? CHUNK_TILING : LANE_TILING;
    }

    /**
     * XLA's output size, step for step. Validation errors carry XLA's wording; {@code op} names
     * the caller in them.
     */
    public static Result outputSize(String op, long inputSize, int rank, int topK, float recallTarget,
                                    boolean aggregateToTopk, long inputSizeOverride) {
        if (aggregateToTopk) {
            return new Result(topK, -1);
        }
        long tiling = tiling(rank);
        if (inputSize <= tiling) {
            return new Result(inputSize, 0);
        }
        if (inputSizeOverride >= 0 && inputSize > inputSizeOverride) {
            throw new ShapeError(op, String.format(
                    "reduction_input_size_override: %d should be greater equals to operands[reduction_dim]: %d",
                    inputSizeOverride, inputSize));
        }
        long logicalInputSize = inputSizeOverride >= 0 ? inputSizeOverride : inputSize;
        if (topK == 1) {
            return new Result(tiling, log2Ceil(ceilOfRatio(logicalInputSize, tiling)));
        }
        if (recallTarget == 1.0f) {
            return new Result(inputSize, 0);
        }
        if (recallTarget <= 0f || recallTarget > 1.0f) {
            throw new ShapeError(op, "recall_target should range in (0,1]");
        }
        // recall = ((M-1)/M)^(K-1) ~ exp((1-K)/M)  =>  M = (1-K)/ln(recall); the float is widened
        // to double first, as XLA does (0.95f is 0.949999988...).
        long binsForRecall = (long) ((1.0 - topK) / Math.log((double) recallTarget));
        long m = Math.min(Math.max(binsForRecall, tiling), inputSize);
        int log2Reduction = log2Floor(logicalInputSize / m);
        if (log2Reduction == 0) {
            return new Result(inputSize, 0);
        }
        // Do not reduce too much when the logical input is much larger than this shard.
        log2Reduction = Math.min(log2Reduction, log2Ceil(inputSize / tiling));
        long output = ceilOfRatio(ceilOfRatio(inputSize, tiling), 1L << log2Reduction) * tiling;
        return new Result(output, log2Reduction);
    }

    static long ceilOfRatio(long a, long b) {
        return (a + b - 1) / b;
    }

    static int log2Floor(long v) {
        return v == 0 ? 0 : 63 - Long.numberOfLeadingZeros(v);
    }

    static int log2Ceil(long v) {
        return v <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(v - 1);
    }
}
