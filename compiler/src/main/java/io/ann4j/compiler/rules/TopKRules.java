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

/** {@link TopK}: as {@link ApproxTopKRules}, along the last axis. */
public final class TopKRules implements OpRules<TopK> {
    static final TopKRules INSTANCE = new TopKRules();

    private TopKRules() {}

    @Override
    public List<Value> jvp(Emit e, TopK op, List<Value> x, List<Value> t, List<Value> out) {
        return Arrays.asList(e.takeAlongAxis(t.get(0), out.get(1), x.get(0).type().rank() - 1), null);
    }

    @Override
    public List<Value> transpose(Emit e, TopK op, List<Value> x, List<Value> out, List<Value> ct) {
        int axis = x.get(0).type().rank() - 1;
        return Arrays.asList(e.scatterAlongAxis(ct.get(0), out.get(1), axis, x.get(0).type().dim(axis)));
    }

    @Override
    public List<Value> batch(BatchingContext b, TopK op, List<Value> ins) {
        return b.builder().add(op, ins);
    }
}
