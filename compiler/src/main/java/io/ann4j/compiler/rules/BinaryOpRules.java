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

/** {@link BinaryOp}: elementwise add, sub, mul, div, max, min. */
public final class BinaryOpRules implements OpRules<BinaryOp> {
    static final BinaryOpRules INSTANCE = new BinaryOpRules();

    private BinaryOpRules() {}

    @Override
    public List<Value> jvp(Emit e, BinaryOp op, List<Value> x, List<Value> t, List<Value> out) {
        Value a = x.get(0), bb = x.get(1), ta = t.get(0), tb = t.get(1);
        return Arrays.asList(switch (op.kind()) {
            case ADD -> e.addZ(ta, tb);
            case SUB -> tb == null ? ta : ta == null ? e.neg(tb) : e.sub(ta, tb);
            case MUL -> e.addZ(ta == null ? null : e.mul(ta, bb), tb == null ? null : e.mul(a, tb));
            case DIV -> {
                // (ta - out * tb) / b
                Value num = tb == null ? ta : ta == null ? e.neg(e.mul(out.get(0), tb)) : e.sub(ta, e.mul(out.get(0), tb));
                yield e.div(num, bb);
            }
            case MAX, MIN -> {
                Value m = firstOperandShare(e, op.kind(), a, bb);
                Value one = e.full(1, m.type());
                yield e.addZ(ta == null ? null : e.mul(m, ta), tb == null ? null : e.mul(e.sub(one, m), tb));
            }
        });
    }

    @Override
    public List<Value> transpose(Emit e, BinaryOp op, List<Value> x, List<Value> out, List<Value> ct) {
        Value a = x.get(0), bb = x.get(1), c = ct.get(0);
        return switch (op.kind()) {
            case ADD -> Arrays.asList(c, c);
            case SUB -> Arrays.asList(c, e.neg(c));
            case MUL -> Arrays.asList(e.mul(c, bb), e.mul(c, a));
            case DIV -> {
                Value ca = e.div(c, bb);
                yield Arrays.asList(ca, e.neg(e.mul(ca, out.get(0))));
            }
            case MAX, MIN -> {
                Value m = firstOperandShare(e, op.kind(), a, bb);
                yield Arrays.asList(e.mul(c, m), e.mul(c, e.sub(e.full(1, m.type()), m)));
            }
        };
    }

    @Override
    public List<Value> batch(BatchingContext b, BinaryOp op, List<Value> ins) {
        return b.builder().add(op, ins.stream().map(b::materialize).toList());
    }

    /** How much of max/min's derivative goes to its first operand: 1, 0, or 1/2 at ties (as JAX). */
    static Value firstOperandShare(Emit e, BinaryOp.Kind k, Value a, Value b) {
        return k == BinaryOp.Kind.MAX ? e.greaterMask(a, b) : e.greaterMask(b, a);
    }
}
