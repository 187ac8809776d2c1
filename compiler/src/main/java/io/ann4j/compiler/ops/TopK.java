package io.ann4j.compiler.ops;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.TensorType;
import java.util.List;

/** JAX's exact {@code lax.top_k} over the last dimension: the k largest, descending, and their i32 indices. */
public record TopK(int k) implements Op {

    @Override
    public String name() {
        return "topK";
    }

    @Override
    public List<TensorType> inferTypes(List<TensorType> inputs) {
        Checks.arity(name(), inputs, 1);
        TensorType t = inputs.get(0);
        if (t.rank() == 0) {
            throw Checks.error(name(), "operand must have >= 1 dimension, got %s", t);
        }
        if (k <= 0 || k > t.dim(t.rank() - 1)) {
            throw Checks.error(name(), "k must be in [1, %d] (the last dimension of %s), got %d", t.dim(t.rank() - 1), t, k);
        }
        int[] dims = t.shape().toArray();
        dims[dims.length - 1] = k;
        return List.of(t.withShape(dims), new TensorType(DType.I32, t.withShape(dims).shape()));
    }
}
