package io.ann4j.compiler.ops;

/**
 * The static parameters of JAX's {@code approx_top_k} primitive, typed.
 *
 * @param k                          results per reduction (must be positive)
 * @param reductionDimension         the reduced axis; negative counts from the end (JAX's default -1)
 * @param recallTarget               in (0, 1]; a float, as XLA stores it (JAX's default 0.95)
 * @param isMaxK                     {@code approx_max_k} when true, {@code approx_min_k} when false
 * @param reductionInputSizeOverride -1, or the logical size the recall is planned for (sharding)
 * @param aggregateToTopk            when false, every bin's winner is returned, not only the top k
 */
public record ApproxTopKParams(
        int k,
        int reductionDimension,
        float recallTarget,
        boolean isMaxK,
        long reductionInputSizeOverride,
        boolean aggregateToTopk) implements java.io.Serializable {

    /** JAX's default recall target. */
    public static final float DEFAULT_RECALL_TARGET = 0.95f;

    /** JAX's defaults for everything but {@code k} and the direction. */
    public static ApproxTopKParams defaults(int k, boolean isMaxK) {
        return new ApproxTopKParams(k, -1, DEFAULT_RECALL_TARGET, isMaxK, -1, true);
    }

    /** The reduction dimension as a non-negative axis of an operand of {@code rank}. */
    public int axis(int rank) {
        return reductionDimension < 0 ? reductionDimension + rank : reductionDimension;
    }

    public ApproxTopKParams withReductionDimension(int dim) {
        return new ApproxTopKParams(k, dim, recallTarget, isMaxK, reductionInputSizeOverride, aggregateToTopk);
    }

    /** The name of the public function, for messages. */
    public String opName() {
        return isMaxK ? "approxMaxK" : "approxMinK";
    }
}
