package io.ann4j.compiler.ops;

import io.ann4j.compiler.ir.TensorType;
import java.util.List;

/** An elementwise unary op. */
public record UnaryOp(Kind kind) implements Op {

    /** The elementwise unary functions. */
    public enum Kind { NEG, SQRT, SQUARE, ABS }

    @Override
    public String name() {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public List<TensorType> inferTypes(List<TensorType> inputs) {
        Checks.arity(name(), inputs, 1);
        if (kind == Kind.SQRT) {
            Checks.floating(name(), "operand", inputs.get(0));
        }
        return List.of(inputs.get(0));
    }
}
