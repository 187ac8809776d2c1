package io.ann4j.compiler.autodiff;

import io.ann4j.compiler.ir.Dims;
import io.ann4j.compiler.ir.Value;
import io.ann4j.compiler.ops.ApproxTopK;
import io.ann4j.compiler.ops.BinaryOp;
import io.ann4j.compiler.ops.BroadcastInDim;
import io.ann4j.compiler.ops.Concatenate;
import io.ann4j.compiler.ops.Constant;
import io.ann4j.compiler.ops.Convert;
import io.ann4j.compiler.ops.CustomDerivative;
import io.ann4j.compiler.ops.DotGeneral;
import io.ann4j.compiler.ops.FusedRegion;
import io.ann4j.compiler.ops.GatherRows;
import io.ann4j.compiler.ops.Iota;
import io.ann4j.compiler.ops.Op;
import io.ann4j.compiler.ops.Reduce;
import io.ann4j.compiler.ops.Reshape;
import io.ann4j.compiler.ops.ScatterAddRows;
import io.ann4j.compiler.ops.Slice;
import io.ann4j.compiler.ops.SortKeyVal;
import io.ann4j.compiler.ops.TopK;
import io.ann4j.compiler.ops.Transpose;
import io.ann4j.compiler.ops.UnaryOp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Per-op reverse rules (JAX's transpose rules for linear ops, VJP rules for the rest): the
 * cotangents of an op's inputs from its outputs' cotangents ({@code null} = zero), with the
 * primal inputs and outputs at hand. An exhaustive switch over the sealed {@link Op}.
 */
final class TransposeRules {
    private final Emit e;

    TransposeRules(Emit e) {
        this.e = e;
    }

    List<Value> rule(Op op, List<Value> x, List<Value> out, List<Value> ct) {
        Value c = ct.get(0);
        return switch (op) {
            case BinaryOp bin -> binary(bin.kind(), x.get(0), x.get(1), out.get(0), c);
            case UnaryOp u -> Arrays.asList(Elementwise.unary(e, u.kind(), x.get(0), out.get(0), c));
            case Reduce r -> {
                int rank = x.get(0).type().rank();
                int[] kept = kept(rank, r.axes());
                Value back = e.broadcast(c, x.get(0).type(), kept);
                yield Arrays.asList(switch (r.kind()) {
                    case SUM -> back;
                    case MAX -> {
                        Value eq = ReduceMax.locations(e, r, x.get(0), out.get(0));
                        Value count = e.broadcast(e.builder().add1(new Reduce(Reduce.Kind.SUM, r.axes()), eq), x.get(0).type(), kept);
                        yield e.div(e.mul(back, eq), count);
                    }
                });
            }
            case DotGeneral d -> DotTranspose.rule(e, d, x.get(0), x.get(1), c);
            case Transpose t -> Arrays.asList(e.transpose(c, io.ann4j.compiler.ir.Permutations.inverse(t.permutation().toArray())));
            case Reshape r -> Arrays.asList(e.reshape(c, x.get(0).type().shape().toArray()));
            case BroadcastInDim bc -> Arrays.asList(e.unbroadcast(c, x.get(0).type(), bc.broadcastDimensions()));
            case Slice s -> Arrays.asList(e.unslice(c, s, x.get(0).type()));
            case Convert cv -> Arrays.asList(x.get(0).type().dtype().isFloating() ? e.convert(c, x.get(0).type().dtype()) : null);
            case Concatenate cat -> {
                List<Value> parts = new ArrayList<>();
                int offset = 0;
                for (Value in : x) {
                    int[] start = new int[in.type().rank()];
                    int[] limit = c.type().shape().toArray();
                    int[] strides = new int[start.length];
                    Arrays.fill(strides, 1);
                    start[cat.dimension()] = offset;
                    limit[cat.dimension()] = offset + in.type().dim(cat.dimension());
                    offset = limit[cat.dimension()];
                    parts.add(e.builder().add1(new Slice(Dims.of(start), Dims.of(limit), Dims.of(strides)), c));
                }
                yield parts;
            }
            case GatherRows g -> Arrays.asList(e.builder().add1(new ScatterAddRows(g.batchDims(), x.get(0).type().dim(g.batchDims())), c, x.get(1)), null);
            case ScatterAddRows s -> Arrays.asList(e.builder().add1(new GatherRows(s.batchDims()), c, x.get(1)), null);
            case ApproxTopK a -> {
                int axis = a.params().axis(x.get(0).type().rank());
                yield Arrays.asList(e.scatterAlongAxis(c, out.get(1), axis, x.get(0).type().dim(axis)));
            }
            case TopK t -> {
                int axis = x.get(0).type().rank() - 1;
                yield Arrays.asList(e.scatterAlongAxis(c, out.get(1), axis, x.get(0).type().dim(axis)));
            }
            case SortKeyVal s -> {
                Value perm = SortPermutation.of(e, x.get(0), s.dimension());
                int n = x.get(0).type().dim(s.dimension());
                yield Arrays.asList(c == null ? null : e.scatterAlongAxis(c, perm, s.dimension(), n),
                        ct.get(1) == null ? null : e.scatterAlongAxis(ct.get(1), perm, s.dimension(), n));
            }
            case Constant k -> List.of(); // no inputs
            case Iota i -> List.of();
            case CustomDerivative cd -> throw new IllegalStateException("handled by CustomRules");
            case FusedRegion f -> throw new IllegalArgumentException(
                    "differentiation runs on traced graphs, before fusion; got a fused region");
        };
    }

    private List<Value> binary(BinaryOp.Kind k, Value a, Value b, Value out, Value c) {
        return switch (k) {
            case ADD -> Arrays.asList(c, c);
            case SUB -> Arrays.asList(c, e.neg(c));
            case MUL -> Arrays.asList(e.mul(c, b), e.mul(c, a));
            case DIV -> {
                Value ca = e.div(c, b);
                yield Arrays.asList(ca, e.neg(e.mul(ca, out)));
            }
            case MAX, MIN -> {
                Value m = Elementwise.firstOperandShare(e, k, a, b);
                yield Arrays.asList(e.mul(c, m), e.mul(c, e.sub(e.full(1, m.type()), m)));
            }
        };
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

}
