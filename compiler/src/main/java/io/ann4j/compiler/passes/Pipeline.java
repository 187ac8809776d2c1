package io.ann4j.compiler.passes;

import io.ann4j.compiler.ir.Graph;

/** The passes every graph goes through before a backend sees it, in order. */
public final class Pipeline {
    private Pipeline() {}

    public static Graph optimize(Graph graph, CompileOptions options) {
        Graph g = Canonicalize.run(InlineCustomDerivatives.run(graph));
        g = SparseGradients.run(g);
        if (options.fuse()) {
            g = Fusion.run(g);
        }
        return g;
    }
}
