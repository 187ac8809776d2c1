package io.ann4j.compiler.autodiff;

import io.ann4j.compiler.ir.Value;
import io.ann4j.compiler.ops.BinaryOp;
import io.ann4j.compiler.ops.UnaryOp;

/**
 * Derivatives of the elementwise ops that are pointwise products, so forward and reverse mode
 * share them: a tangent and a cotangent are both multiplied by the same local derivative.
 */
final class Elementwise {
    private Elementwise() {}

    /** {@code v} times the derivative of {@code out = kind(x)}; null where the derivative is zero. */
    static Value unary(Emit e, UnaryOp.Kind k, Value x, Value out, Value v) {
        return switch (k) {
            case NEG -> e.neg(v);
            case SQRT -> e.div(v, e.scale(out, 2));
            case SQUARE -> e.mul(v, e.scale(x, 2));
            case ABS -> e.mul(v, e.unary(UnaryOp.Kind.SIGN, x));
            case EXP -> e.mul(v, out);
            case LOG -> e.div(v, x);
            case SIGN -> null;
        };
    }

    /** How much of max/min's derivative goes to its first operand: 1, 0, or 1/2 at ties (as JAX). */
    static Value firstOperandShare(Emit e, BinaryOp.Kind k, Value a, Value b) {
        return k == BinaryOp.Kind.MAX ? e.greaterMask(a, b) : e.greaterMask(b, a);
    }
}
