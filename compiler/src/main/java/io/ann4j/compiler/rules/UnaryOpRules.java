package io.ann4j.compiler.rules;

import io.ann4j.compiler.autodiff.Emit;
import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.Dims;
import io.ann4j.compiler.ir.Permutations;
import io.ann4j.compiler.ir.Value;
import io.ann4j.compiler.ops.*;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** {@link UnaryOp}: elementwise neg, sqrt, square, abs, exp, log, sign; forward and reverse mode share the local derivative. */
public final class UnaryOpRules implements OpRules<UnaryOp> {
    static final UnaryOpRules INSTANCE = new UnaryOpRules();

    private UnaryOpRules() {}

    @Override
    public List<Value> jvp(Emit e, UnaryOp op, List<Value> x, List<Value> t, List<Value> out) {
        return Arrays.asList(derivative(e, op.kind(), x.get(0), out.get(0), t.get(0)));
    }

    @Override
    public List<Value> transpose(Emit e, UnaryOp op, List<Value> x, List<Value> out, List<Value> ct) {
        return Arrays.asList(derivative(e, op.kind(), x.get(0), out.get(0), ct.get(0)));
    }

    @Override
    public List<Value> batch(BatchingContext b, UnaryOp op, List<Value> ins) {
        return b.builder().add(op, ins);
    }

    /** {@code v} times the derivative of {@code out = kind(x)}; null where the derivative is zero. */
    static Value derivative(Emit e, UnaryOp.Kind k, Value x, Value out, Value v) {
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
}
