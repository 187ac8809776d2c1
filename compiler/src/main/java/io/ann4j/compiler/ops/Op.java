package io.ann4j.compiler.ops;

import io.ann4j.compiler.ir.TensorType;
import java.util.List;

/**
 * An op of the IR: an immutable record of its static parameters (what JAX calls the primitive's
 * params), with one shape rule. Backends lower each op (the CPU backend's switch over this
 * sealed interface is exhaustive, so a new op cannot be forgotten there).
 *
 * <p>Designed for what comes next: a differentiation rule per op (a JVP rule, and a transpose
 * rule for the linear ones) will sit beside the shape rule; {@code pmap} maps a whole graph over
 * devices and needs nothing per op; a second backend (StableHLO) lowers the same records.
 */
public sealed interface Op extends java.io.Serializable
        permits ApproxTopK, BinaryOp, BroadcastInDim, Concatenate, Constant, Convert, CustomDerivative, DotGeneral,
                FusedRegion, GatherRows, Iota, Reduce, Reshape, ScatterAddRows, Slice, SortKeyVal, TopK, Transpose,
                UnaryOp {

    /** JAX's name of the op, used in error messages. */
    String name();

    /**
     * The shape rule: the output types for these input types, or a {@link
     * io.ann4j.compiler.ir.ShapeError} naming the op, the argument and the shapes.
     */
    List<TensorType> inferTypes(List<TensorType> inputs);
}
