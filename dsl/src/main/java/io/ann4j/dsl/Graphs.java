package io.ann4j.dsl;

import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.ir.GraphBuilder;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.ir.Value;
import io.ann4j.compiler.ops.Constant;
import io.ann4j.compiler.passes.DeadCodeElimination;
import java.util.ArrayList;
import java.util.List;

/** Small surgery on transformed graphs: choosing results, fixing a parameter to a constant. */
final class Graphs {
    private Graphs() {}

    /** The same computation returning the results at {@code picks}, in that order (unused ops dropped). */
    static Graph select(Graph g, List<Integer> picks) {
        return DeadCodeElimination.run(new Graph(g.parameters(), g.nodes(), picks.stream().map(g.results()::get).toList()));
    }

    /**
     * {@code g} with its last parameter, the cotangent of a scalar output, fixed to 1: what
     * {@code grad} seeds the reverse sweep with.
     */
    static Graph seedCotangent(Graph g, TensorType scalar) {
        GraphBuilder b = new GraphBuilder();
        List<Value> args = new ArrayList<>();
        for (int i = 0; i < g.parameters().size() - 1; i++) {
            args.add(b.parameter(g.parameters().get(i).type()));
        }
        args.add(b.add1(new Constant(1.0, scalar.dtype())));
        return b.build(b.inline(g, args));
    }
}
