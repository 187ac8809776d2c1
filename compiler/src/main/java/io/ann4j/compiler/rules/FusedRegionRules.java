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

/** {@link FusedRegion}: made by fusion, after every transform: a transform that meets one is an error. */
public final class FusedRegionRules implements OpRules<FusedRegion> {
    static final FusedRegionRules INSTANCE = new FusedRegionRules();

    private FusedRegionRules() {}

    @Override
    public List<Value> jvp(Emit e, FusedRegion op, List<Value> x, List<Value> t, List<Value> out) {
        throw new IllegalArgumentException("differentiation runs on traced graphs, before fusion; got a fused region");
    }

    @Override
    public List<Value> transpose(Emit e, FusedRegion op, List<Value> x, List<Value> out, List<Value> ct) {
        throw new IllegalArgumentException("differentiation runs on traced graphs, before fusion; got a fused region");
    }

    @Override
    public List<Value> batch(BatchingContext b, FusedRegion op, List<Value> ins) {
        throw new IllegalArgumentException("vmap runs before fusion; got a fused region");
    }
}
