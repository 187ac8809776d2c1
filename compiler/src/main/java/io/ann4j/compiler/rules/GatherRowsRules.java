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

/** {@link GatherRows}: linear in the rows (the indices are integers and take no tangent); its transpose is {@link ScatterAddRows}. */
public final class GatherRowsRules implements OpRules<GatherRows> {
    static final GatherRowsRules INSTANCE = new GatherRowsRules();

    private GatherRowsRules() {}

    @Override
    public List<Value> jvp(Emit e, GatherRows op, List<Value> x, List<Value> t, List<Value> out) {
        return t.get(0) == null ? RuleSupport.nulls(1) : e.builder().add(op, List.of(t.get(0), x.get(1)));
    }

    @Override
    public List<Value> transpose(Emit e, GatherRows op, List<Value> x, List<Value> out, List<Value> ct) {
        return Arrays.asList(e.builder().add1(new ScatterAddRows(op.batchDims(), x.get(0).type().dim(op.batchDims())), ct.get(0), x.get(1)),
                null);
    }

    @Override
    public List<Value> batch(BatchingContext b, GatherRows op, List<Value> ins) {
        if (!b.isBatched(ins.get(0)) && op.batchDims() == 0) {
            return b.builder().add(op, ins);
        }
        return b.builder().add(new GatherRows(op.batchDims() + 1), ins.stream().map(b::materialize).toList());
    }
}
