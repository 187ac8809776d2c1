package io.ann4j.compiler.autodiff;

import io.ann4j.compiler.rules.Rules;
import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.ir.GraphBuilder;
import io.ann4j.compiler.ir.Node;
import io.ann4j.compiler.ir.Value;
import io.ann4j.compiler.ops.CustomDerivative;
import io.ann4j.compiler.ops.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Forward-mode differentiation as a graph transform (JAX's {@code jvp}): the new graph takes the
 * primals and then one tangent per differentiated floating parameter, and returns the primal
 * results and then one tangent per result (zeros for integer results, as JAX gives them). Every
 * op's JVP rule is in its own class in {@code rules/} ({@link Rules}): ops without a derivative
 * (iota, constants, integer outputs such as indices) say so there.
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

    /** The tangents of an op's outputs (null entries are zeros) from its inputs' (some non-null): the op's rule ({@link Rules}). */
    private List<Value> rule(Op op, List<Value> x, List<Value> t, List<Value> out) {
        return Rules.jvp(e, op, x, t, out);
    }
}
