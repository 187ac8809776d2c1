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

/** {@link SortKeyVal}: keys and values move by the sort's permutation, recovered by sorting an iota along. */
public final class SortKeyValRules implements OpRules<SortKeyVal> {
    static final SortKeyValRules INSTANCE = new SortKeyValRules();

    private SortKeyValRules() {}

    @Override
    public List<Value> jvp(Emit e, SortKeyVal op, List<Value> x, List<Value> t, List<Value> out) {
        Value perm = permutation(e, x.get(0), op.dimension());
        return Arrays.asList(t.get(0) == null ? null : e.takeAlongAxis(t.get(0), perm, op.dimension()),
                t.get(1) == null ? null : e.takeAlongAxis(t.get(1), perm, op.dimension()));
    }

    @Override
    public List<Value> transpose(Emit e, SortKeyVal op, List<Value> x, List<Value> out, List<Value> ct) {
        Value perm = permutation(e, x.get(0), op.dimension());
        int n = x.get(0).type().dim(op.dimension());
        return Arrays.asList(ct.get(0) == null ? null : e.scatterAlongAxis(ct.get(0), perm, op.dimension(), n),
                ct.get(1) == null ? null : e.scatterAlongAxis(ct.get(1), perm, op.dimension(), n));
    }

    @Override
    public List<Value> batch(BatchingContext b, SortKeyVal op, List<Value> ins) {
        return b.builder().add(new SortKeyVal(op.dimension() + 1), ins.stream().map(b::materialize).toList());
    }

    /** The permutation a stable {@code sortKeyVal} applies, recovered by sorting an iota along. */
    static Value permutation(Emit e, Value keys, int dimension) {
        Value iota = e.builder().add1(new Iota(DType.I32, keys.type().shape(), dimension));
        return e.builder().add(new SortKeyVal(dimension), List.of(keys, iota)).get(1);
    }
}
