package io.ann4j.compiler.passes;

import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.ir.GraphBuilder;
import io.ann4j.compiler.ir.Node;
import io.ann4j.compiler.ir.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds a graph node by node, letting a pass replace a node with anything it can build from
 * the already-rebuilt inputs. Every node goes through the builder again, so shape rules re-check
 * what a pass produces.
 */
final class Rewriter {
    /** Decides what a node becomes; returns null to copy it unchanged. */
    interface Rule {
        List<Value> rewrite(Node node, List<Value> newInputs, GraphBuilder builder, Map<Value, Value> mapping);
    }

    private Rewriter() {}

    static Graph rewrite(Graph graph, Rule rule) {
        GraphBuilder b = new GraphBuilder();
        Map<Value, Value> map = new HashMap<>();
        for (Value p : graph.parameters()) {
            map.put(p, b.parameter(p.type()));
        }
        for (Node n : graph.nodes()) {
            List<Value> ins = new ArrayList<>();
            for (Value v : n.inputs()) {
                ins.add(map.get(v));
            }
            List<Value> outs = rule.rewrite(n, ins, b, map);
            if (outs == null) {
                outs = b.add(n.op(), ins);
            }
            for (int i = 0; i < n.outputs().size(); i++) {
                map.put(n.outputs().get(i), outs.get(i));
            }
        }
        return b.build(Value.mapped(graph.results(), map));
    }
}
