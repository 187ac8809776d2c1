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

/** {@link Reshape}: linear; its transpose reshapes back. */
public final class ReshapeRules implements OpRules<Reshape> {
    static final ReshapeRules INSTANCE = new ReshapeRules();

    private ReshapeRules() {}

    @Override
    public List<Value> jvp(Emit e, Reshape op, List<Value> x, List<Value> t, List<Value> out) {
        return RuleSupport.linear(e, op, t.get(0));
    }

    @Override
    public List<Value> transpose(Emit e, Reshape op, List<Value> x, List<Value> out, List<Value> ct) {
        return Arrays.asList(e.reshape(ct.get(0), x.get(0).type().shape().toArray()));
    }

    @Override
    public List<Value> batch(BatchingContext b, Reshape op, List<Value> ins) {
        return b.builder().add(new Reshape(RuleSupport.prepend(b.size(), op.newSizes())), ins);
    }
}
