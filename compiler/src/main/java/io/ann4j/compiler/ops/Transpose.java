package io.ann4j.compiler.ops;

import io.ann4j.compiler.ir.Dims;
import io.ann4j.compiler.ir.TensorType;
import java.util.List;

/** JAX's {@code lax.transpose}: output dimension i is operand dimension {@code permutation[i]}. */
public record Transpose(Dims permutation) implements Op {

    @Override
    public String name() {
        return "transpose";
    }

    @Override
    public List<TensorType> inferTypes(List<TensorType> inputs) {
        Checks.arity(name(), inputs, 1);
        TensorType t = inputs.get(0);
        if (permutation.size() != t.rank()) {
            throw Checks.error(name(), "permutation %s must have one entry per dimension of %s", permutation, t);
        }
        boolean[] seen = new boolean[t.rank()];
        int[] out = new int[t.rank()];
        for (int i = 0; i < permutation.size(); i++) {
            int p = permutation.get(i);
            if (p < 0 || p >= t.rank() || seen[p]) {
                throw Checks.error(name(), "%s is not a permutation of the dimensions of %s", permutation, t);
            }
            seen[p] = true;
            out[i] = t.dim(p);
        }
        return List.of(t.withShape(out));
    }

    /** Whether this permutation leaves every axis in place. */
    public boolean isIdentity() {
        for (int i = 0; i < permutation.size(); i++) {
            if (permutation.get(i) != i) {
                return false;
            }
        }
        return true;
    }
}
