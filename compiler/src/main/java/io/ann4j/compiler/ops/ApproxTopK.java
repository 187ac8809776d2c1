package io.ann4j.compiler.ops;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.ShapeError;
import io.ann4j.compiler.ir.TensorType;
import java.util.List;

/**
 * JAX's {@code approx_top_k} primitive ({@code approx_max_k} / {@code approx_min_k}): values
 * keep the operand's dtype, indices are i32; the reduction dimension becomes {@code k}, or XLA's
 * output size when {@code aggregateToTopk} is false.
 */
public record ApproxTopK(ApproxTopKParams params) implements Op {

    @Override
    public String name() {
        return params.opName();
    }

    @Override
    public List<TensorType> inferTypes(List<TensorType> inputs) {
        String op = name();
        Checks.arity(op, inputs, 1);
        TensorType t = inputs.get(0);
        if (params.k() <= 0) {
            throw Checks.error(op, "k must be positive, got %d (operand %s)", params.k(), t);
        }
        if (t.rank() == 0) {
            throw Checks.error(op, "operand must have >= 1 dimension, got %s", t);
        }
        int rank = t.rank();
        if (params.reductionDimension() < -rank || params.reductionDimension() >= rank) {
            throw Checks.error(op, "reductionDimension %d is out of range for operand %s (rank %d)",
                    params.reductionDimension(), t, rank);
        }
        int axis = params.axis(rank);
        int size = t.dim(axis);
        if (size < params.k()) {
            throw Checks.error(op, "k must be at most the size of reduction_dim %d, got %d (operand %s, reductionDimension %d)",
                    size, params.k(), t, axis);
        }
        if (!t.dtype().isFloating()) {
            throw Checks.error(op, "operand must be a floating type, got %s", t);
        }
        // The recall target and the override are checked where XLA checks them, inside its size
        // function, which returns before checking either when aggregateToTopk is set, when the
        // dimension fits one tile, or (the recall) when k = 1: JAX accepts those calls, so ann4j
        // does too, with XLA's output size. A negative override means none, as in XLA.
        long out;
        try {
            out = outputSize(t).outputSize();
        } catch (ShapeError e) {
            throw Checks.error(op, "%s (operand %s)", e.detail(), t);
        }
        int[] dims = t.shape().toArray();
        dims[axis] = Math.toIntExact(out);
        return List.of(t.withShape(dims), new TensorType(DType.I32, t.withShape(dims).shape()));
    }

    /** XLA's output size along the reduction dimension for this operand. */
    public ApproxTopKShape.Result outputSize(TensorType operand) {
        int axis = params.axis(operand.rank());
        return ApproxTopKShape.outputSize(name(), operand.dim(axis), operand.rank(), params.k(),
                params.recallTarget(), params.aggregateToTopk(), params.reductionInputSizeOverride());
    }

    /**
     * The bin plan the TPU algorithm would use: XLA's output size and log2 reduction computed as
     * if {@code aggregateToTopk} were false (what {@code ApproxTopK} does before aggregating).
     */
    public ApproxTopKShape.Result binPlan(TensorType operand) {
        int axis = params.axis(operand.rank());
        long size = operand.dim(axis);
        // aggregateToTopk let XLA skip its checks (see inferTypes): a recall outside (0, 1] is
        // planned as exact (what XLA's CPU and GPU fallback computes), an override below the size
        // as none, so that an accepted call never fails later
        long override = params.reductionInputSizeOverride() >= 0 && params.reductionInputSizeOverride() < size
                ? -1 : params.reductionInputSizeOverride();
        return ApproxTopKShape.outputSize(name(), size, operand.rank(), params.k(), planningRecall(), false, override);
    }

    /**
     * The recall target the runtimes plan for: the target itself, or 1 (exact) where XLA accepted
     * one outside (0, 1] without reading it (aggregateToTopk; k = 1 reads none; see
     * {@link #inferTypes}). NaN passes XLA's range check (both comparisons are false) and goes
     * through its arithmetic as in XLA, so it is kept: shape and plan then agree.
     */
    public float planningRecall() {
        float r = params.recallTarget();
        return r <= 0f || r > 1f ? 1f : r;
    }
}
