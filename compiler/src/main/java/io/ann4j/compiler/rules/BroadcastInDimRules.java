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

/** {@link BroadcastInDim}: linear; its transpose sums over the broadcast dimensions. */
public final class BroadcastInDimRules implements OpRules<BroadcastInDim> {
    static final BroadcastInDimRules INSTANCE = new BroadcastInDimRules();

    private BroadcastInDimRules() {}

    @Override
    public List<Value> jvp(Emit e, BroadcastInDim op, List<Value> x, List<Value> t, List<Value> out) {
        return RuleSupport.linear(e, op, t.get(0));
    }

    @Override
    public List<Value> transpose(Emit e, BroadcastInDim op, List<Value> x, List<Value> out, List<Value> ct) {
        return Arrays.asList(e.unbroadcast(ct.get(0), x.get(0).type(), op.broadcastDimensions()));
    }

    @Override
    public List<Value> batch(BatchingContext b, BroadcastInDim op, List<Value> ins) {
        return b.builder().add(new BroadcastInDim(RuleSupport.prepend(b.size(), op.shape()),
                RuleSupport.shift(Dims.of(0), op.broadcastDimensions(), 1)), ins);
    }
}
