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

/** {@link ScatterAddRows}: linear in the updates; its transpose is {@link GatherRows}. */
public final class ScatterAddRowsRules implements OpRules<ScatterAddRows> {
    static final ScatterAddRowsRules INSTANCE = new ScatterAddRowsRules();

    private ScatterAddRowsRules() {}

    @Override
    public List<Value> jvp(Emit e, ScatterAddRows op, List<Value> x, List<Value> t, List<Value> out) {
        return t.get(0) == null ? RuleSupport.nulls(1) : e.builder().add(op, List.of(t.get(0), x.get(1)));
    }

    @Override
    public List<Value> transpose(Emit e, ScatterAddRows op, List<Value> x, List<Value> out, List<Value> ct) {
        return Arrays.asList(e.builder().add1(new GatherRows(op.batchDims()), ct.get(0), x.get(1)), null);
    }

    @Override
    public List<Value> batch(BatchingContext b, ScatterAddRows op, List<Value> ins) {
        return b.builder().add(new ScatterAddRows(op.batchDims() + 1, op.size()), ins.stream().map(b::materialize).toList());
    }
}
