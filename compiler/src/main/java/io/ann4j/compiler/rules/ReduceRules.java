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

/** {@link Reduce}: sum and max over axes; max splits its derivative among ties, as JAX does. */
public final class ReduceRules implements OpRules<Reduce> {
    static final ReduceRules INSTANCE = new ReduceRules();

    private ReduceRules() {}

    @Override
    public List<Value> jvp(Emit e, Reduce op, List<Value> x, List<Value> t, List<Value> out) {
        return Arrays.asList(switch (op.kind()) {
            case SUM -> e.builder().add1(op, t.get(0));
            case MAX -> {
                Value eq = locations(e, op, x.get(0), out.get(0));
                yield e.div(e.builder().add1(new Reduce(Reduce.Kind.SUM, op.axes()), e.mul(t.get(0), eq)),
                        e.builder().add1(new Reduce(Reduce.Kind.SUM, op.axes()), eq));
            }
        });
    }

    @Override
    public List<Value> transpose(Emit e, Reduce op, List<Value> x, List<Value> out, List<Value> ct) {
        int rank = x.get(0).type().rank();
        int[] kept = RuleSupport.kept(rank, op.axes());
        Value back = e.broadcast(ct.get(0), x.get(0).type(), kept);
        return Arrays.asList(switch (op.kind()) {
            case SUM -> back;
            case MAX -> {
                Value eq = locations(e, op, x.get(0), out.get(0));
                Value count = e.broadcast(e.builder().add1(new Reduce(Reduce.Kind.SUM, op.axes()), eq), x.get(0).type(), kept);
                yield e.div(e.mul(back, eq), count);
            }
        });
    }

    @Override
    public List<Value> batch(BatchingContext b, Reduce op, List<Value> ins) {
        return b.builder().add(new Reduce(op.kind(), RuleSupport.shift(Dims.empty(), op.axes(), 1)), ins);
    }

    /** 1 where the operand equals its reduced maximum, else 0 (as {@code 1 - |sign(x - max)|}). */
    static Value locations(Emit e, Reduce r, Value x, Value max) {
        Value back = e.broadcast(max, x.type(), RuleSupport.kept(x.type().rank(), r.axes()));
        Value differs = e.unary(UnaryOp.Kind.ABS, e.unary(UnaryOp.Kind.SIGN, e.sub(x, back)));
        return e.sub(e.full(1, x.type()), differs);
    }
}
