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

/** {@link Transpose}: {@code lax.transpose}: linear; its transpose is the inverse permutation. */
public final class TransposeOpRules implements OpRules<Transpose> {
    static final TransposeOpRules INSTANCE = new TransposeOpRules();

    private TransposeOpRules() {}

    @Override
    public List<Value> jvp(Emit e, Transpose op, List<Value> x, List<Value> t, List<Value> out) {
        return RuleSupport.linear(e, op, t.get(0));
    }

    @Override
    public List<Value> transpose(Emit e, Transpose op, List<Value> x, List<Value> out, List<Value> ct) {
        return Arrays.asList(e.transpose(ct.get(0), Permutations.inverse(op.permutation().toArray())));
    }

    @Override
    public List<Value> batch(BatchingContext b, Transpose op, List<Value> ins) {
        return b.builder().add(new Transpose(RuleSupport.shift(Dims.of(0), op.permutation(), 1)), ins);
    }
}
