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

/** {@link Concatenate}: linear; its transpose slices the cotangent back into the parts. */
public final class ConcatenateRules implements OpRules<Concatenate> {
    static final ConcatenateRules INSTANCE = new ConcatenateRules();

    private ConcatenateRules() {}

    @Override
    public List<Value> jvp(Emit e, Concatenate op, List<Value> x, List<Value> t, List<Value> out) {
        List<Value> parts = new ArrayList<>();
        for (int i = 0; i < x.size(); i++) {
            parts.add(t.get(i) != null ? t.get(i) : e.zeros(x.get(i).type()));
        }
        return e.builder().add(op, parts);
    }

    @Override
    public List<Value> transpose(Emit e, Concatenate op, List<Value> x, List<Value> out, List<Value> ct) {
        Value c = ct.get(0);
        List<Value> parts = new ArrayList<>();
        int offset = 0;
        for (Value in : x) {
            int[] start = new int[in.type().rank()];
            int[] limit = c.type().shape().toArray();
            int[] strides = new int[start.length];
            Arrays.fill(strides, 1);
            start[op.dimension()] = offset;
            limit[op.dimension()] = offset + in.type().dim(op.dimension());
            offset = limit[op.dimension()];
            parts.add(e.builder().add1(new Slice(Dims.of(start), Dims.of(limit), Dims.of(strides)), c));
        }
        return parts;
    }

    @Override
    public List<Value> batch(BatchingContext b, Concatenate op, List<Value> ins) {
        return b.builder().add(new Concatenate(op.dimension() + 1), ins.stream().map(b::materialize).toList());
    }
}
