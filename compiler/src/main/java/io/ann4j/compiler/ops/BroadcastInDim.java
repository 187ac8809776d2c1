package io.ann4j.compiler.ops;

import io.ann4j.compiler.ir.Dims;
import io.ann4j.compiler.ir.TensorType;
import java.util.List;

/**
 * JAX's {@code lax.broadcast_in_dim}: operand dimension i becomes output dimension
 * {@code broadcastDimensions[i]} (strictly increasing here); its size must be 1 or the output's.
 */
public record BroadcastInDim(Dims shape, Dims broadcastDimensions) implements Op {

    @Override
    public String name() {
        return "broadcastInDim";
    }

    @Override
    public List<TensorType> inferTypes(List<TensorType> inputs) {
        Checks.arity(name(), inputs, 1);
        TensorType t = inputs.get(0);
        if (broadcastDimensions.size() != t.rank()) {
            throw Checks.error(name(), "broadcastDimensions %s must have one entry per dimension of %s",
                    broadcastDimensions, t);
        }
        int prev = -1;
        for (int i = 0; i < t.rank(); i++) {
            int d = broadcastDimensions.get(i);
            if (d <= prev || d >= shape.size()) {
                throw Checks.error(name(), "broadcastDimensions %s must be strictly increasing and below the output rank %d (operand %s)",
                        broadcastDimensions, shape.size(), t);
            }
            prev = d;
            if (t.dim(i) != 1 && t.dim(i) != shape.get(d)) {
                throw Checks.error(name(), "operand %s dimension %d (size %d) cannot broadcast to output %s dimension %d",
                        t, i, t.dim(i), shape, d);
            }
        }
        return List.of(t.withShape(shape.toArray()));
    }
}
