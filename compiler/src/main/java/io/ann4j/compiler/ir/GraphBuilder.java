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
        List<TensorType> outTypes = op.inferTypes(inputs.stream().map(Value::type).toList());
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
}
