package io.ann4j.compiler.rules;

import io.ann4j.compiler.autodiff.Emit;
import io.ann4j.compiler.ir.Dims;
import io.ann4j.compiler.ir.Value;
import io.ann4j.compiler.ops.Op;
import java.util.Arrays;
import java.util.List;

/** Small pieces the rules share (and the batching transform, for its batch dimension). */
public final class RuleSupport {
    private RuleSupport() {}

    /** {@code n} zero (null) tangents or cotangents. */
    static List<Value> nulls(int n) {
        return Arrays.asList(new Value[n]);
    }

    /** The tangent of a linear one-input op: the op applied to the tangent. */
    static List<Value> linear(Emit e, Op op, Value t) {
        return t == null ? nulls(1) : e.builder().add(op, List.of(t));
    }

    /** The axes a reduction over {@code axes} keeps, in order. */
    static int[] kept(int rank, Dims axes) {
        int[] kept = new int[rank - axes.size()];
        for (int a = 0, j = 0; a < rank; a++) {
            if (!axes.contains(a)) {
                kept[j++] = a;
            }
        }
        return kept;
    }

    /** {@code head} followed by {@code axes} each moved by {@code by}. */
    static Dims shift(Dims head, Dims axes, int by) {
        int[] out = new int[head.size() + axes.size()];
        for (int i = 0; i < head.size(); i++) {
            out[i] = head.get(i);
        }
        for (int i = 0; i < axes.size(); i++) {
            out[head.size() + i] = axes.get(i) + by;
        }
        return Dims.of(out);
    }

    /** {@code rest} with {@code first} in front. */
    public static Dims prepend(int first, Dims rest) {
        int[] out = new int[rest.size() + 1];
        out[0] = first;
        for (int i = 0; i < rest.size(); i++) {
            out[i + 1] = rest.get(i);
        }
        return Dims.of(out);
    }
}
