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

/** {@link Convert}: linear between floating types; no derivative into or out of integers. */
public final class ConvertRules implements OpRules<Convert> {
    static final ConvertRules INSTANCE = new ConvertRules();

    private ConvertRules() {}

    @Override
    public List<Value> jvp(Emit e, Convert op, List<Value> x, List<Value> t, List<Value> out) {
        return x.get(0).type().dtype().isFloating() && op.to().isFloating() ? RuleSupport.linear(e, op, t.get(0)) : RuleSupport.nulls(1);
    }

    @Override
    public List<Value> transpose(Emit e, Convert op, List<Value> x, List<Value> out, List<Value> ct) {
        return Arrays.asList(x.get(0).type().dtype().isFloating() ? e.convert(ct.get(0), x.get(0).type().dtype()) : null);
    }

    @Override
    public List<Value> batch(BatchingContext b, Convert op, List<Value> ins) {
        return b.builder().add(op, ins);
    }
}
