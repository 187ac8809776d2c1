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
                                long reductionInputSizeOverride, boolean aggregateToTopk, Gradient gradient) {

    /** Which derivative the reduction has (it only matters when the search is differentiated). */
    public enum Gradient {
        /**
         * JAX's rule, the default: the tangent at the returned indices, the selection held
         * constant (exact for the chosen indices, inexact with respect to the true top-k).
         */
        SELECTED,
        /**
         * The exact top-k's gradient: the selection recomputed exactly (a full sort of the
         * operand, so a dense pass), for when the approximate selection's gradient is not wanted.
         */
        EXACT_TOPK
    }

    /** The options with the default gradient rule. */
    public ApproxTopKOptions(int k, int reductionDimension, double recallTarget, long reductionInputSizeOverride,
                             boolean aggregateToTopk) {
        this(k, reductionDimension, recallTarget, reductionInputSizeOverride, aggregateToTopk, Gradient.SELECTED);
    }

    /** The same options with another gradient rule. */
    public ApproxTopKOptions gradient(Gradient rule) {
        return new ApproxTopKOptions(k, reductionDimension, recallTarget, reductionInputSizeOverride, aggregateToTopk, rule);
    }

    /** {@code k} results with JAX's defaults for the rest. */
    public static ApproxTopKOptions k(int k) {
        return new ApproxTopKOptions(k, -1, ApproxTopKParams.DEFAULT_RECALL_TARGET, -1, true, Gradient.SELECTED);
    }

    public ApproxTopKOptions reductionDimension(int dim) {
        return new ApproxTopKOptions(k, dim, recallTarget, reductionInputSizeOverride, aggregateToTopk, gradient);
    }

    public ApproxTopKOptions recallTarget(double target) {
        return new ApproxTopKOptions(k, reductionDimension, target, reductionInputSizeOverride, aggregateToTopk, gradient);
    }

    public ApproxTopKOptions reductionInputSizeOverride(long size) {
        return new ApproxTopKOptions(k, reductionDimension, recallTarget, size, aggregateToTopk, gradient);
    }

    public ApproxTopKOptions aggregateToTopk(boolean aggregate) {
        return new ApproxTopKOptions(k, reductionDimension, recallTarget, reductionInputSizeOverride, aggregate, gradient);
    }

    ApproxTopKParams params(boolean isMaxK) {
        // XLA keeps the recall target as a float; so does the IR (and its StableHLO attribute).
        return new ApproxTopKParams(k, reductionDimension, (float) recallTarget, isMaxK,
                reductionInputSizeOverride, aggregateToTopk);
    }
}
