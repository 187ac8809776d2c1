package io.ann4j.compiler.autodiff;

import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.ir.GraphBuilder;
import io.ann4j.compiler.ir.Node;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Forward-mode differentiation as a graph transform (JAX's {@code jvp}): the new graph takes the
 * primals and then one tangent per differentiated floating parameter, and returns the primal
 * results and then one tangent per result (zeros for integer results, as JAX gives them). Every
 * op has its rule in {@link #rule}, an exhaustive switch over the sealed {@link Op}: ops without
 * a derivative (iota, constants, integer outputs such as indices) say so there.
 */
public final class Jvp {
    private final Emit e;
    private final Map<Value, Value> primal = new HashMap<>();
    private final Map<Value, Value> tangent = new HashMap<>(); // absent: a symbolic zero

    private Jvp(GraphBuilder b) {
        this.e = new Emit(b);
    }

    /**
     * @param graph the function
     * @param wrt   per parameter, whether it gets a tangent (integer parameters never do)
     */
    public static Graph jvp(Graph graph, boolean[] wrt) {
        GraphBuilder b = new GraphBuilder();
        Jvp t = new Jvp(b);
        for (Value p : graph.parameters()) {
            t.primal.put(p, b.parameter(p.type()));
        }
        for (int i = 0; i < graph.parameters().size(); i++) {
            Value p = graph.parameters().get(i);
            if (takesTangent(wrt, i, p)) {
                t.tangent.put(p, b.parameter(p.type()));
            }
        }
        for (Node n : graph.nodes()) {
            t.node(n);
        }
        List<Value> results = new ArrayList<>();
        for (Value r : graph.results()) {
            results.add(t.primal.get(r));
        }
        for (Value r : graph.results()) {
            Value tv = t.tangent.get(r);
            results.add(tv != null ? tv : t.e.zeros(r.type()));
        }
        return b.build(results);
    }

    static boolean takesTangent(boolean[] wrt, int i, Value p) {
        return wrt[i] && p.type().dtype().isFloating();
    }

    private void node(Node n) {
        List<Value> ins = n.inputs().stream().map(primal::get).toList();
        List<Value> tin = n.inputs().stream().map(tangent::get).toList();
        List<Value> outs;
        List<Value> touts;
        if (n.op() instanceof CustomDerivative c) {
            List<Value> all = CustomRules.jvp(e, c, ins, tin);
            outs = all.subList(0, n.outputs().size());
            touts = all.subList(n.outputs().size(), all.size());
        } else {
            outs = e.builder().add(n.op(), ins);
            touts = tin.stream().allMatch(v -> v == null) ? null : rule(n.op(), ins, tin, outs);
        }
        for (int i = 0; i < outs.size(); i++) {
            primal.put(n.outputs().get(i), outs.get(i));
            Value tv = touts == null ? null : touts.get(i);
            if (tv != null && n.outputs().get(i).type().dtype().isFloating()) {
                tangent.put(n.outputs().get(i), tv);
            }
        }
    }

    /** The tangents of an op's outputs (null entries are zeros) from its inputs' (some non-null). */
    private List<Value> rule(Op op, List<Value> x, List<Value> t, List<Value> out) {
        return switch (op) {
            case BinaryOp bin -> Arrays.asList(binary(bin.kind(), x.get(0), x.get(1), t.get(0), t.get(1), out.get(0)));
            case UnaryOp u -> nullable(Elementwise.unary(e, u.kind(), x.get(0), out.get(0), t.get(0)));
            case Reduce r -> Arrays.asList(switch (r.kind()) {
                case SUM -> e.builder().add1(r, t.get(0));
                case MAX -> {
                    Value eq = ReduceMax.locations(e, r, x.get(0), out.get(0));
                    yield e.div(e.builder().add1(new Reduce(Reduce.Kind.SUM, r.axes()), e.mul(t.get(0), eq)),
                            e.builder().add1(new Reduce(Reduce.Kind.SUM, r.axes()), eq));
                }
            });
            case DotGeneral d -> Arrays.asList(e.addZ(t.get(0) == null ? null : e.builder().add1(d, t.get(0), x.get(1)),
                    t.get(1) == null ? null : e.builder().add1(d, x.get(0), t.get(1))));
            case Transpose tr -> linear(op, t.get(0));
            case Reshape r -> linear(op, t.get(0));
            case BroadcastInDim bc -> linear(op, t.get(0));
            case Slice s -> linear(op, t.get(0));
            case Convert c -> x.get(0).type().dtype().isFloating() && c.to().isFloating() ? linear(op, t.get(0)) : nulls(1);
            case Concatenate c -> {
                List<Value> parts = new ArrayList<>();
                for (int i = 0; i < x.size(); i++) {
                    parts.add(t.get(i) != null ? t.get(i) : e.zeros(x.get(i).type()));
                }
                yield e.builder().add(c, parts);
            }
            // Linear in the rows or updates; the indices are integers and take no tangent.
            case GatherRows g -> t.get(0) == null ? nulls(1) : e.builder().add(g, List.of(t.get(0), x.get(1)));
            case ScatterAddRows s -> t.get(0) == null ? nulls(1) : e.builder().add(s, List.of(t.get(0), x.get(1)));
            // JAX's rule: the tangent at the returned indices, the selection held constant.
            case ApproxTopK a -> Arrays.asList(e.takeAlongAxis(t.get(0), out.get(1), a.params().axis(x.get(0).type().rank())), none());
            case TopK k -> Arrays.asList(e.takeAlongAxis(t.get(0), out.get(1), x.get(0).type().rank() - 1), none());
            case SortKeyVal s -> {
                Value perm = SortPermutation.of(e, x.get(0), s.dimension());
                yield Arrays.asList(t.get(0) == null ? null : e.takeAlongAxis(t.get(0), perm, s.dimension()),
                        t.get(1) == null ? null : e.takeAlongAxis(t.get(1), perm, s.dimension()));
            }
            case Constant c -> nulls(1); // no inputs: never reached with a tangent
            case Iota i -> nulls(1);
            case CustomDerivative c -> throw new IllegalStateException("handled before the rules");
            case FusedRegion f -> throw new IllegalArgumentException(
                    "differentiation runs on traced graphs, before fusion; got a fused region");
        };
    }

    private List<Value> linear(Op op, Value t) {
        return t == null ? nulls(1) : e.builder().add(op, List.of(t));
    }

    private static Value none() {
        return null;
    }

    private static List<Value> nulls(int n) {
        return Arrays.asList(new Value[n]);
    }

    private static List<Value> nullable(Value v) {
        return Arrays.asList(v);
    }

    private Value binary(BinaryOp.Kind k, Value a, Value b, Value ta, Value tb, Value out) {
        return switch (k) {
            case ADD -> e.addZ(ta, tb);
            case SUB -> tb == null ? ta : ta == null ? e.neg(tb) : e.sub(ta, tb);
            case MUL -> e.addZ(ta == null ? null : e.mul(ta, b), tb == null ? null : e.mul(a, tb));
            case DIV -> {
                // (ta - out * tb) / b
                Value num = tb == null ? ta : ta == null ? e.neg(e.mul(out, tb)) : e.sub(ta, e.mul(out, tb));
                yield e.div(num, b);
            }
            case MAX, MIN -> {
                Value m = Elementwise.firstOperandShare(e, k, a, b);
                Value one = e.full(1, m.type());
                yield e.addZ(ta == null ? null : e.mul(m, ta), tb == null ? null : e.mul(e.sub(one, m), tb));
            }
        };
    }
}
