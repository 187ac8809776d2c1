package io.ann4j.compiler.passes;

import io.ann4j.compiler.ir.Dims;
import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.ir.GraphBuilder;
import io.ann4j.compiler.ir.Node;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.ir.Value;
import io.ann4j.compiler.ops.BroadcastInDim;
import io.ann4j.compiler.ops.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The batching transform behind {@code vmap}: rewrites a graph traced on one example into a graph
 * over a batch of {@code size} examples, by one batching rule per op (as JAX's
 * {@code primitive_batchers}), each in its op's class in {@code rules/}. Batched values carry the batch as their dimension 0; a value that
 * does not depend on a batched input stays unbatched and is broadcast only where an op meets a
 * batched one. Every result of the new graph is batched along dimension 0.
 */
public final class Batching implements io.ann4j.compiler.rules.BatchingContext {
    private final GraphBuilder b = new GraphBuilder();
    private final Map<Value, Value> map = new HashMap<>();
    private final Set<Value> batched = new HashSet<>();
    private final int size;

    private Batching(int size) {
        this.size = size;
    }

    /**
     * @param graph     traced on one example
     * @param isBatched per parameter: whether it has the batch (as its dimension 0 in the new graph)
     * @param size      the batch size
     */
    public static Graph batch(Graph graph, boolean[] isBatched, int size) {
        Batching t = new Batching(size);
        for (int i = 0; i < graph.parameters().size(); i++) {
            Value p = graph.parameters().get(i);
            if (isBatched[i]) {
                Value np = t.b.parameter(prepend(p.type(), size));
                t.map.put(p, np);
                t.batched.add(np);
            } else {
                t.map.put(p, t.b.parameter(p.type()));
            }
        }
        for (Node n : graph.nodes()) {
            List<Value> ins = n.inputs().stream().map(t.map::get).toList();
            List<Value> outs = t.rule(n.op(), ins);
            for (int i = 0; i < outs.size(); i++) {
                t.map.put(n.outputs().get(i), outs.get(i));
            }
        }
        List<Value> results = new ArrayList<>();
        for (Value r : graph.results()) {
            results.add(t.materialize(t.map.get(r)));
        }
        return t.b.build(results);
    }

    /** The op over the inputs: as it is where none is batched, else by its batching rule ({@link io.ann4j.compiler.rules.Rules}). */
    private List<Value> rule(Op op, List<Value> ins) {
        boolean any = ins.stream().anyMatch(batched::contains);
        if (!any) {
            return b.add(op, ins);
        }
        List<Value> outs = io.ann4j.compiler.rules.Rules.batch(this, op, ins);
        batched.addAll(outs);
        return outs;
    }

    @Override
    public GraphBuilder builder() {
        return b;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean isBatched(Value v) {
        return batched.contains(v);
    }

    /** An unbatched value broadcast along a new leading batch dimension; batched ones as they are. */
    @Override
    public Value materialize(Value v) {
        if (batched.contains(v)) {
            return v;
        }
        int rank = v.type().rank();
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) {
            dims[i] = i + 1;
        }
        Value out = b.add1(new BroadcastInDim(io.ann4j.compiler.rules.RuleSupport.prepend(size, v.type().shape()), Dims.of(dims)), v);
        batched.add(out);
        return out;
    }

    private static TensorType prepend(TensorType t, int size) {
        return new TensorType(t.dtype(), io.ann4j.compiler.rules.RuleSupport.prepend(size, t.shape()));
    }
}
