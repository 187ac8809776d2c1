package io.ann4j.compiler.ops;

import io.ann4j.compiler.ir.Dims;
import io.ann4j.compiler.ir.TensorType;
import java.util.List;

/** JAX's {@code lax.broadcasted_iota}: element value = its index along {@code dimension}. */
public record Iota(io.ann4j.compiler.ir.DType dtype, Dims shape, int dimension) implements Op {

    @Override
    public String name() {
        return "iota";
    }

    @Override
    public List<TensorType> inferTypes(List<TensorType> inputs) {
        Checks.arity(name(), inputs, 0);
        TensorType t = new TensorType(dtype, shape);
        Checks.axis(name(), "dimension", dimension, shape.size(), t);
        return List.of(t);
    }
}
