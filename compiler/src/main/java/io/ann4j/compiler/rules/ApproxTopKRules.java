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

/** {@link ApproxTopK}: JAX's rule: the tangent at the returned indices, the selection held constant; its transpose scatters the cotangent back to those indices. */
public final class ApproxTopKRules implements OpRules<ApproxTopK> {
    static final ApproxTopKRules INSTANCE = new ApproxTopKRules();

    private ApproxTopKRules() {}

    @Override
    public List<Value> jvp(Emit e, ApproxTopK op, List<Value> x, List<Value> t, List<Value> out) {
        return Arrays.asList(e.takeAlongAxis(t.get(0), out.get(1), op.params().axis(x.get(0).type().rank())), null);
    }

    @Override
    public List<Value> transpose(Emit e, ApproxTopK op, List<Value> x, List<Value> out, List<Value> ct) {
        int axis = op.params().axis(x.get(0).type().rank());
        return Arrays.asList(e.scatterAlongAxis(ct.get(0), out.get(1), axis, x.get(0).type().dim(axis)));
    }

    @Override
    public List<Value> batch(BatchingContext b, ApproxTopK op, List<Value> ins) {
        int axis = op.params().axis(ins.get(0).type().rank() - 1);
        return b.builder().add(new ApproxTopK(op.params().withReductionDimension(axis + 1)), ins);
    }
}
