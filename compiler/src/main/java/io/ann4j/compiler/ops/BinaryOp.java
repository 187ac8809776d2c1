package io.ann4j.compiler.ops;

import io.ann4j.compiler.ir.TensorType;
import java.util.List;

/**
 * An elementwise binary op on operands of one shape and dtype (the DSL inserts the broadcasts
 * that numpy-style calls need, so the IR never broadcasts implicitly).
 */
public record BinaryOp(Kind kind) implements Op {

    /** The elementwise binary functions. */
    public enum Kind { ADD, SUB, MUL, DIV, MAX, MIN }

    @Override
    public String name() {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public List<TensorType> inferTypes(List<TensorType> inputs) {
        Checks.arity(name(), inputs, 2);
        Checks.sameType(name(), inputs.get(0), inputs.get(1));
        return List.of(inputs.get(0));
    }
}
