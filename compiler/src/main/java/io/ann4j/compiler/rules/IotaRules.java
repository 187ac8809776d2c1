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

/** {@link Iota}: no inputs, an integer output: no derivative, nothing to batch. */
public final class IotaRules implements OpRules<Iota> {
    static final IotaRules INSTANCE = new IotaRules();

    private IotaRules() {}

    @Override
    public List<Value> jvp(Emit e, Iota op, List<Value> x, List<Value> t, List<Value> out) {
        return RuleSupport.nulls(1);
    }

    @Override
    public List<Value> transpose(Emit e, Iota op, List<Value> x, List<Value> out, List<Value> ct) {
        return List.of();
    }

    @Override
    public List<Value> batch(BatchingContext b, Iota op, List<Value> ins) {
        throw new IllegalStateException("iota has no inputs");
    }
}
