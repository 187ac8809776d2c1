package io.ann4j.compiler.ir;

import io.ann4j.compiler.ops.Op;
import java.util.ArrayList;
import java.util.List;

/**
 * Records a graph: parameters first, then nodes. {@link #add} runs the op's shape rule, so a
 * badly called op fails here, at trace time, with a {@link ShapeError}. Not thread-safe: each
 * trace has its own builder.
 */
public final class GraphBuilder {
    private final List<Value> parameters = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private int nextId;

    /** Declares the next parameter. */
    public Value parameter(TensorType type) {
        if (!nodes.isEmpty()) {
            throw new IllegalStateException("parameters must be declared before the first node");
        }
        Value v = new Value(nextId++, type);
        parameters.add(v);
        return v;
    }

    /** Applies {@code op} to {@code inputs} after checking them with the op's shape rule. */
    public List<Value> add(Op op, List<Value> inputs) {
        List<TensorType> outTypes = op.inferTypes(Value.types(inputs));
        List<Value> outs = new ArrayList<>(outTypes.size());
        for (TensorType t : outTypes) {
            outs.add(new Value(nextId++, t));
        }
        nodes.add(new Node(op, inputs, outs));
        return outs;
    }

    /** {@link #add} for ops with one output. */
    public Value add1(Op op, Value... inputs) {
        List<Value> outs = add(op, List.of(inputs));
        if (outs.size() != 1) {
            throw new IllegalStateException(op.name() + " has " + outs.size() + " outputs");
        }
        return outs.get(0);
    }

    /** The graph returning {@code results}. */
    public Graph build(List<Value> results) {
        return new Graph(parameters, nodes, results);
    }

    /** Replays {@code g}'s nodes here on {@code args} (one per parameter) and returns its results. */
    public List<Value> inline(Graph g, List<Value> args) {
        if (args.size() != g.parameters().size()) {
            throw new IllegalArgumentException("inlining a graph of " + g.parameters().size() + " parameters on " + args.size() + " values");
        }
        java.util.Map<Value, Value> env = new java.util.HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            if (!args.get(i).type().equals(g.parameters().get(i).type())) {
                throw new IllegalArgumentException("inlining: argument " + i + " is " + args.get(i).type() + ", the graph expects "
                        + g.parameters().get(i).type());
            }
            env.put(g.parameters().get(i), args.get(i));
        }
        for (Node n : g.nodes()) {
            List<Value> outs = add(n.op(), Value.mapped(n.inputs(), env));
            for (int i = 0; i < outs.size(); i++) {
                env.put(n.outputs().get(i), outs.get(i));
            }
        }
        return Value.mapped(g.results(), env);
    }
}
