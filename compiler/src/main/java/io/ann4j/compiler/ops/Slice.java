package io.ann4j.compiler.ops;

import io.ann4j.compiler.ir.Dims;
import io.ann4j.compiler.ir.TensorType;
import java.util.List;

/** JAX's {@code lax.slice}: {@code [start, limit)} with {@code strides} per dimension. */
public record Slice(Dims start, Dims limit, Dims strides) implements Op {

    @Override
    public String name() {
        return "slice";
    }

    @Override
    public List<TensorType> inferTypes(List<TensorType> inputs) {
        Checks.arity(name(), inputs, 1);
        TensorType t = inputs.get(0);
        if (start.size() != t.rank() || limit.size() != t.rank() || strides.size() != t.rank()) {
            throw Checks.error(name(), "start %s, limit %s and strides %s need one entry per dimension of %s",
                    start, limit, strides, t);
        }
        int[] out = new int[t.rank()];
        for (int a = 0; a < t.rank(); a++) {
            int s = start.get(a);
            int l = limit.get(a);
            int st = strides.get(a);
            if (s < 0 || l < s || l > t.dim(a) || st < 1) {
                throw Checks.error(name(), "dimension %d: need 0 <= start (%d) <= limit (%d) <= size (%d) and stride (%d) >= 1, operand %s",
                        a, s, l, t.dim(a), st, t);
            }
            out[a] = (l - s + st - 1) / st;
        }
        return List.of(t.withShape(out));
    }
}
