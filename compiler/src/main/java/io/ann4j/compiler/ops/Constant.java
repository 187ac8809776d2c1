package io.ann4j.compiler.ops;

import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.ir.DType;
import java.util.List;

/** A scalar constant, baked into the graph at trace time. */
public record Constant(double value, DType dtype) implements Op {

    @Override
    public String name() {
        return "constant";
    }

    @Override
    public List<TensorType> inferTypes(List<TensorType> inputs) {
        Checks.arity(name(), inputs, 0);
        return List.of(TensorType.of(dtype));
    }
}
