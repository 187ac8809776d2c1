package io.ann4j.compiler.ops;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.TensorType;
import java.util.List;

/**
 * JAX's {@code lax.sort_key_val}: sorts keys ascending along {@code dimension} (stable, in the
 * total order -NaN < -inf < ... < -0.0 < 0.0 < ... < inf < NaN) and carries the values along.
 */
public record SortKeyVal(int dimension) implements Op {

    @Override
    public String name() {
        return "sortKeyVal";
    }

    @Override
    public List<TensorType> inferTypes(List<TensorType> inputs) {
        Checks.arity(name(), inputs, 2);
        TensorType keys = inputs.get(0);
        TensorType vals = inputs.get(1);
        if (!keys.shape().equals(vals.shape())) {
            throw Checks.error(name(), "keys %s and values %s must have the same shape", keys, vals);
        }
        Checks.axis(name(), "dimension", dimension, keys.rank(), keys);
        if (!keys.dtype().isFloating() && keys.dtype() != DType.I32) {
            throw Checks.error(name(), "keys must be floating or i32, got %s", keys);
        }
        return List.of(keys, vals);
    }
}
