package io.ann4j.dsl;

import io.ann4j.compiler.ops.ApproxTopKParams;

/**
 * Every option of {@code approxMaxK} / {@code approxMinK}, with JAX's defaults:
 * {@code reductionDimension = -1}, {@code recallTarget = 0.95},
 * {@code reductionInputSizeOverride = -1}, {@code aggregateToTopk = true}.
 *
 * <pre>{@code
 * approxMinK(scores, ApproxTopKOptions.k(10).reductionDimension(1)
 *         .reductionInputSizeOverride(dbSize).aggregateToTopk(false));
 * }</pre>
 */
public record ApproxTopKOptions(int k, int reductionDimension, double recallTarget,
                                long reductionInputSizeOverride, boolean aggregateToTopk) {

    /** {@code k} results with JAX's defaults for the rest. */
    public static ApproxTopKOptions k(int k) {
        return new ApproxTopKOptions(k, -1, ApproxTopKParams.DEFAULT_RECALL_TARGET, -1, true);
    }

    public ApproxTopKOptions reductionDimension(int dim) {
        return new ApproxTopKOptions(k, dim, recallTarget, reductionInputSizeOverride, aggregateToTopk);
    }

    public ApproxTopKOptions recallTarget(double target) {
        return new ApproxTopKOptions(k, reductionDimension, target, reductionInputSizeOverride, aggregateToTopk);
    }

    public ApproxTopKOptions reductionInputSizeOverride(long size) {
        return new ApproxTopKOptions(k, reductionDimension, recallTarget, size, aggregateToTopk);
    }

    public ApproxTopKOptions aggregateToTopk(boolean aggregate) {
        return new ApproxTopKOptions(k, reductionDimension, recallTarget, reductionInputSizeOverride, aggregate);
    }

    ApproxTopKParams params(boolean isMaxK) {
        // XLA keeps the recall target as a float; so does the IR (and its StableHLO attribute).
        return new ApproxTopKParams(k, reductionDimension, (float) recallTarget, isMaxK,
                reductionInputSizeOverride, aggregateToTopk);
    }
}
