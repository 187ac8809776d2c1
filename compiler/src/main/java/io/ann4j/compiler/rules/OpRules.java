package io.ann4j.compiler.rules;

import io.ann4j.compiler.autodiff.Emit;
import io.ann4j.compiler.ir.Value;
import io.ann4j.compiler.ops.Op;
import java.util.List;

/**
 * An op's rules for the transforms, in one place per op (as JAX keeps a primitive's JVP, transpose
 * and batching rules together): each op's class in this package implements this interface, and
 * {@link Rules#of} finds it. The shape rule is the op's own {@code inferTypes} (in {@code ops/});
 * each backend's lowering is in that backend, named after the op.
 *
 * @param <T> the op
 */
public interface OpRules<T extends Op> {
    /**
     * Forward mode: the tangents of the op's outputs (null entries: zero) from its inputs' tangents
     * {@code t} (some non-null), with the primal inputs {@code x} and outputs {@code out}.
     */
    List<Value> jvp(Emit e, T op, List<Value> x, List<Value> t, List<Value> out);

    /**
     * Reverse mode: the cotangents of the op's inputs (null: zero) from its outputs' cotangents
     * {@code ct} (JAX's transpose rule for a linear op, its VJP rule otherwise).
     */
    List<Value> transpose(Emit e, T op, List<Value> x, List<Value> out, List<Value> ct);

    /** vmap: the op over inputs of which at least one carries the batch as its dimension 0. */
    List<Value> batch(BatchingContext b, T op, List<Value> ins);
}
