package io.ann4j.compiler.ops;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.ShapeError;
import io.ann4j.compiler.ir.TensorType;
import java.util.List;

/** Shared argument checks of the shape rules; every failure names the op. */
final class Checks {
    private Checks() {}

    static ShapeError error(String op, String format, Object... args) {
        return new ShapeError(op, String.format(format, args));
    }

    static void arity(String op, List<TensorType> inputs, int expected) {
        if (inputs.size() != expected) {
            throw error(op, "expects %d operand(s), got %d: %s", expected, inputs.size(), inputs);
        }
    }

    static void floating(String op, String arg, TensorType t) {
        if (!t.dtype().isFloating()) {
            throw error(op, "%s must be a floating type, got %s", arg, t);
        }
    }

    static void sameType(String op, TensorType a, TensorType b) {
        if (!a.equals(b)) {
            throw error(op, "operands must have the same shape and dtype, got %s and %s", a, b);
        }
    }

    static void axis(String op, String arg, int axis, int rank, TensorType t) {
        if (axis < 0 || axis >= rank) {
            throw error(op, "%s %d is out of range for an operand of rank %d (%s)", arg, axis, rank, t);
        }
    }

    static void dtype(String op, String arg, TensorType t, DType expected) {
        if (t.dtype() != expected) {
            throw error(op, "%s must be %s, got %s", arg, expected.shortName(), t);
        }
    }
}
