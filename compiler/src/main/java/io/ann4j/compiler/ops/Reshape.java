package io.ann4j.compiler.ops;

import io.ann4j.compiler.ir.Dims;
import io.ann4j.compiler.ir.TensorType;
import java.util.List;

/** JAX's {@code lax.reshape} in row-major order ({@code lax.collapse} is one). */
public record Reshape(Dims newSizes) implements Op {

    @Override
    public String name() {
        return "reshape";
    }

    @Override
    public List<TensorType> inferTypes(List<TensorType> inputs) {
        Checks.arity(name(), inputs, 1);
        TensorType t = inputs.get(0);
        for (int i = 0; i < newSizes.size(); i++) {
            if (newSizes.get(i) < 0) {
                throw Checks.error(name(), "new sizes %s must be non-negative (operand %s)", newSizes, t);
            }
        }
        if (newSizes.product() != t.elementCount()) {
            throw Checks.error(name(), "cannot reshape %s (%d elements) to %s (%d elements)",
                    t, t.elementCount(), newSizes, newSizes.product());
        }
        return List.of(t.withShape(newSizes.toArray()));
    }
}
