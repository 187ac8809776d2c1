package io.ann4j.dsl;

import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.ir.Node;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.ir.Value;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What the function transforms ({@link Vmap}, {@link Autodiff}) share: trace a user function on
 * abstract arguments into a graph of its own, and replay a (transformed) graph in the trace of
 * the caller, so that transforms nest and end up in one ordinary graph.
 */
final class Staged {
    private Staged() {}

    /** A traced function: its graph and the pytree structure of what it returned. */
    record Traced(Graph graph, Object template) {}

    static Traced trace(Function<Tensor[], ?> f, List<TensorType> types) {
        Trace inner = new Trace();
        Tensor[] params = new Tensor[types.size()]; // loops here: see Trace.add
        for (int i = 0; i < params.length; i++) {
            params[i] = inner.parameter(types.get(i));
        }
        Object out;
        inner.enter();
        try {
            out = f.apply(params);
        } finally {
            inner.exit();
        }
        List<Value> results = new java.util.ArrayList<>();
        for (Tensor t : Pytree.flatten(out)) {
            results.add(t.valueIn(inner));
        }
        return new Traced(inner.builder.build(results), out);
    }

    /** Replays {@code g} on {@code args} (symbolic tensors of the caller's trace). */
    static List<Tensor> inline(Graph g, Tensor[] args) {
        Map<Value, Tensor> env = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            env.put(g.parameters().get(i), args[i]);
        }
        for (Node n : g.nodes()) {
            Tensor[] ins = n.inputs().stream().map(env::get).toArray(Tensor[]::new);
            List<Tensor> outs = Ops.apply(n.op(), ins);
            for (int i = 0; i < outs.size(); i++) {
                env.put(n.outputs().get(i), outs.get(i));
            }
        }
        return g.results().stream().map(env::get).toList();
    }

    static boolean allConcrete(Tensor[] args) {
        for (Tensor t : args) {
            if (t == null || !t.isConcrete()) {
                return false;
            }
        }
        return true;
    }
}
