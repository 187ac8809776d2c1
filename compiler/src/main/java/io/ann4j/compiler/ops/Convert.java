package io.ann4j.compiler.ops;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.TensorType;
import java.util.List;

/** JAX's {@code lax.convert_element_type}; float to bf16/f16 rounds to nearest even. */
public record Convert(DType to) implements Op {

    @Override
    public String name() {
        return "convertElementType";
    }

    @Override
    public List<TensorType> inferTypes(List<TensorType> inputs) {
        Checks.arity(name(), inputs, 1);
        return List.of(inputs.get(0).withDType(to));
    }
}
