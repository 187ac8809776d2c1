package io.ann4j.compiler.passes;

import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.ops.CustomDerivative;

/**
 * Replaces each {@link CustomDerivative} by its primal's ops: once differentiation is done the
 * rule has served, and backends only ever see ordinary ops.
 */
public final class InlineCustomDerivatives {
    private InlineCustomDerivatives() {}

    public static Graph run(Graph graph) {
        boolean any = false; // a loop, not a stream: this runs on every first compile
        for (io.ann4j.compiler.ir.Node n : graph.nodes()) {
            any |= n.op() instanceof CustomDerivative;
        }
        if (!any) {
            return graph;
        }
        return Rewriter.rewrite(graph, (node, ins, b, map) ->
                node.op() instanceof CustomDerivative c ? b.inline(c.primal(), ins) : null);
    }
}
