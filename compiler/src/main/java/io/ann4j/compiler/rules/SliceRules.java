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

/** {@link Slice}: linear; its transpose places the cotangent where the slice read it, in zeros. */
public final class SliceRules implements OpRules<Slice> {
    static final SliceRules INSTANCE = new SliceRules();

    private SliceRules() {}

    @Override
    public List<Value> jvp(Emit e, Slice op, List<Value> x, List<Value> t, List<Value> out) {
        return RuleSupport.linear(e, op, t.get(0));
    }

    @Override
    public List<Value> transpose(Emit e, Slice op, List<Value> x, List<Value> out, List<Value> ct) {
        return Arrays.asList(e.unslice(ct.get(0), op, x.get(0).type()));
    }

    @Override
    public List<Value> batch(BatchingContext b, Slice op, List<Value> ins) {
        return b.builder().add(new Slice(RuleSupport.prepend(0, op.start()), RuleSupport.prepend(b.size(), op.limit()),
                RuleSupport.prepend(1, op.strides())), ins);
    }
}
