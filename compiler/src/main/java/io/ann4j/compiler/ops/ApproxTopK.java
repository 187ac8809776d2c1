package io.ann4j.compiler.ops;

import io.ann4j.compiler.ir.DType;
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
            throw Checks.error(op, "k must be smaller than the size of reduction_dim %d, got %d (operand %s, reductionDimension %d)",
                    size, params.k(), t, axis);
        }
        if (!t.dtype().isFloating()) {
            throw Checks.error(op, "operand must be a floating type, got %s", t);
        }
        float r = params.recallTarget();
        if (!(r > 0f && r <= 1f)) {
            throw Checks.error(op, "recall_target should range in (0,1], got %s (operand %s)", r, t);
        }
        long override = params.reductionInputSizeOverride();
        if (override != -1 && override < size) {
            throw Checks.error(op, "reduction_input_size_override: %d should be greater equals to operands[reduction_dim]: %d (operand %s)",
                    override, size, t);
        }
        long out = outputSize(t).outputSize();
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
        return ApproxTopKShape.outputSize(name(), operand.dim(axis), operand.rank(), params.k(),
                params.recallTarget(), false, params.reductionInputSizeOverride());
    }
}
