package io.ann4j.compiler.passes;

import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.ir.Node;
import io.ann4j.compiler.ir.Value;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Drops nodes whose outputs nothing reads (e.g. a transpose folded into its dot). */
public final class DeadCodeElimination {
    private DeadCodeElimination() {}

    public static Graph run(Graph graph) {
        Set<Value> live = new HashSet<>(graph.results());
        List<Node> kept = new ArrayList<>();
        List<Node> nodes = graph.nodes();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            if (!Collections.disjoint(n.outputs(), live)) {
                kept.add(n);
                live.addAll(n.inputs());
            }
        }
        if (kept.size() == nodes.size()) {
            return graph;
        }
        Collections.reverse(kept);
        return new Graph(graph.parameters(), kept, graph.results());
    }
}
