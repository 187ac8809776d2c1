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
        if (!graph.containsOp(CustomDerivative.class)) {
            return graph;
        }
        return Rewriter.rewrite(graph, (node, ins, b, map) ->
                node.op() instanceof CustomDerivative c ? b.inline(c.primal(), ins) : null);
    }
}
