package io.ann4j.compiler.autodiff;

import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.ir.GraphBuilder;
import io.ann4j.compiler.ir.Node;
import io.ann4j.compiler.ir.Value;
import io.ann4j.compiler.ops.CustomDerivative;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reverse-mode differentiation as a graph transform (JAX's {@code vjp}): the new graph takes the
 * primals and then one cotangent per result, and returns the primal results and then one
 * cotangent per differentiated floating parameter. The forward ops are copied once; the reverse
 * sweep applies each op's transpose rule ({@link TransposeRules}) and sums cotangents where a
 * value has several uses. The result is an ordinary graph: canonicalisation and fusion run on it
 * like on any other (so the forward search stays one fused pass), and the sparse-gradient pass
 * rewrites what the reverse sweep of a search produces.
 */
public final class Vjp {
    private Vjp() {}

    /**
     * @param graph the function
     * @param wrt   per parameter, whether its cotangent is returned (integer parameters never are)
     */
    public static Graph vjp(Graph graph, boolean[] wrt) {
        GraphBuilder b = new GraphBuilder();
        Emit e = new Emit(b);
        Map<Value, Value> primal = new HashMap<>();
        for (Value p : graph.parameters()) {
            primal.put(p, b.parameter(p.type()));
        }
        List<Value> resultCts = new ArrayList<>();
        for (Value r : graph.results()) {
            resultCts.add(b.parameter(r.type()));
        }
        for (Node n : graph.nodes()) {
            List<Value> outs = b.add(n.op(), n.inputs().stream().map(primal::get).toList());
            for (int i = 0; i < outs.size(); i++) {
                primal.put(n.outputs().get(i), outs.get(i));
            }
        }
        Map<Value, Value> ct = new HashMap<>();
        for (int i = 0; i < graph.results().size(); i++) {
            Value r = graph.results().get(i);
            if (r.type().dtype().isFloating()) {
                ct.merge(r, resultCts.get(i), e::add);
            }
        }
        List<Node> nodes = graph.nodes();
        for (int k = nodes.size() - 1; k >= 0; k--) {
            Node n = nodes.get(k);
            List<Value> outCts = n.outputs().stream().map(ct::get).toList();
            if (outCts.stream().allMatch(v -> v == null)) {
                continue;
            }
            List<Value> ins = n.inputs().stream().map(primal::get).toList();
            List<Value> outs = n.outputs().stream().map(primal::get).toList();
            List<Value> inCts = n.op() instanceof CustomDerivative c
                    ? CustomRules.vjp(e, c, ins, outCts)
                    : io.ann4j.compiler.rules.Rules.transpose(e, n.op(), ins, outs, outCts);
            for (int i = 0; i < inCts.size(); i++) {
                Value in = n.inputs().get(i);
                if (inCts.get(i) != null && in.type().dtype().isFloating()) {
                    ct.merge(in, inCts.get(i), e::add);
                }
            }
        }
        List<Value> results = new ArrayList<>();
        for (Value r : graph.results()) {
            results.add(primal.get(r));
        }
        for (int i = 0; i < graph.parameters().size(); i++) {
            Value p = graph.parameters().get(i);
            if (Jvp.takesTangent(wrt, i, p)) {
                Value c = ct.get(p);
                results.add(c != null ? c : e.zeros(p.type()));
            }
        }
        return b.build(results);
    }
}
