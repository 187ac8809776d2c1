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

/** {@link Constant}: no inputs: no tangent flows in, nothing to transpose or batch. */
public final class ConstantRules implements OpRules<Constant> {
    static final ConstantRules INSTANCE = new ConstantRules();

    private ConstantRules() {}

    @Override
    public List<Value> jvp(Emit e, Constant op, List<Value> x, List<Value> t, List<Value> out) {
        return RuleSupport.nulls(1); // no inputs: never reached with a tangent
    }

    @Override
    public List<Value> transpose(Emit e, Constant op, List<Value> x, List<Value> out, List<Value> ct) {
        return List.of();
    }

    @Override
    public List<Value> batch(BatchingContext b, Constant op, List<Value> ins) {
        throw new IllegalStateException("constant has no inputs");
    }
}
