package io.ann4j.compiler.ops;

import io.ann4j.compiler.ir.TensorType;
import java.util.List;

/** An elementwise unary op. */
public record UnaryOp(Kind kind) implements Op {

    /** The elementwise unary functions. */
    public enum Kind {
        NEG, SQRT, SQUARE, ABS, EXP, LOG, SIGN;

        /**
         * Whether search kernels take it into their epilogue: the correctly rounded ones, whose
         * SIMD and scalar forms agree bit for bit (the Vector API's exp and log do not promise
         * that; sign is only met in gradients, after the search).
         */
        public boolean fusable() {
            return this == NEG || this == SQRT || this == SQUARE || this == ABS;
        }
    }

    @Override
    public String name() {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public List<TensorType> inferTypes(List<TensorType> inputs) {
        Checks.arity(name(), inputs, 1);
        if (kind == Kind.SQRT || kind == Kind.EXP || kind == Kind.LOG) {
            Checks.floating(name(), "operand", inputs.get(0));
        }
        return List.of(inputs.get(0));
    }
}
