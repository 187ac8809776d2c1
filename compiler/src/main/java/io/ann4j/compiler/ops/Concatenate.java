package io.ann4j.compiler.ops;

import io.ann4j.compiler.ir.TensorType;
import java.util.List;

/** JAX's {@code lax.concatenate} along {@code dimension}. */
public record Concatenate(int dimension) implements Op {

    @Override
    public String name() {
        return "concatenate";
    }

    @Override
    public List<TensorType> inferTypes(List<TensorType> inputs) {
        if (inputs.isEmpty()) {
            throw Checks.error(name(), "needs at least one operand");
        }
        TensorType first = inputs.get(0);
        Checks.axis(name(), "dimension", dimension, first.rank(), first);
        long total = 0;
        for (TensorType t : inputs) {
            if (t.dtype() != first.dtype() || t.rank() != first.rank()) {
                throw Checks.error(name(), "operands must share dtype and rank, got %s", inputs);
            }
            for (int a = 0; a < t.rank(); a++) {
                if (a != dimension && t.dim(a) != first.dim(a)) {
                    throw Checks.error(name(), "operands must match outside dimension %d, got %s", dimension, inputs);
                }
            }
            total += t.dim(dimension);
        }
        int[] out = first.shape().toArray();
        out[dimension] = Math.toIntExact(total);
        return List.of(first.withShape(out));
    }
}
