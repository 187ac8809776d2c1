package io.ann4j.compiler.ops;

import io.ann4j.compiler.ir.Dims;
import io.ann4j.compiler.ir.TensorType;
import java.util.ArrayList;
import java.util.List;

/** A reduction ({@code lax.reduce_sum} / {@code reduce_max}) over {@code axes}, which disappear. */
public record Reduce(Kind kind, Dims axes) implements Op {

    /** The reducing functions. */
    public enum Kind { SUM, MAX }

    @Override
    public String name() {
        return kind == Kind.SUM ? "reduceSum" : "reduceMax";
    }

    @Override
    public List<TensorType> inferTypes(List<TensorType> inputs) {
        Checks.arity(name(), inputs, 1);
        TensorType t = inputs.get(0);
        boolean[] seen = new boolean[t.rank()];
        for (int i = 0; i < axes.size(); i++) {
            int a = axes.get(i);
            Checks.axis(name(), "axis", a, t.rank(), t);
            if (seen[a]) {
                throw Checks.error(name(), "axis %d listed twice in %s (operand %s)", a, axes, t);
            }
            seen[a] = true;
        }
        List<Integer> out = new ArrayList<>();
        for (int a = 0; a < t.rank(); a++) {
            if (!seen[a]) {
                out.add(t.dim(a));
            }
        }
        return List.of(t.withShape(out.stream().mapToInt(Integer::intValue).toArray()));
    }
}
