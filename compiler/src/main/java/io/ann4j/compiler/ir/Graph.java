package io.ann4j.compiler.ir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A traced program: typed parameters, nodes in definition order (SSA: every value is defined
 * before it is used) and the values it returns. Immutable; passes build new graphs.
 *
 * <p>{@link #toString()} is a canonical text (value ids renumbered in definition order), so two
 * graphs that print the same compute the same thing: it is the key of the compile caches.
 * Graphs are {@link java.io.Serializable}: a distributed search ships the graph, and each worker
 * compiles it for itself.
 */
public record Graph(List<Value> parameters, List<Node> nodes, List<Value> results) implements java.io.Serializable {

    public Graph {
        parameters = List.copyOf(parameters);
        nodes = List.copyOf(nodes);
        results = List.copyOf(results);
        verify(parameters, nodes, results);
    }

    private static void verify(List<Value> parameters, List<Node> nodes, List<Value> results) {
        Set<Value> defined = new HashSet<>(parameters);
        for (Node n : nodes) {
            for (Value in : n.inputs()) {
                if (!defined.contains(in)) {
                    throw new IllegalStateException("graph uses " + in + " before it is defined, in " + n.op());
                }
            }
            defined.addAll(n.outputs());
        }
        for (Value r : results) {
            if (!defined.contains(r)) {
                throw new IllegalStateException("graph returns undefined value " + r);
            }
        }
    }

    /** The types of the parameters, in order. */
    public List<TensorType> parameterTypes() {
        return Value.types(parameters);
    }

    /** The types of the results, in order. */
    public List<TensorType> resultTypes() {
        return Value.types(results);
    }

    /** For every value, the nodes that read it (results count as a use by {@code null}). */
    public Map<Value, List<Node>> users() {
        Map<Value, List<Node>> users = new HashMap<>();
        for (Node n : nodes) {
            for (Value in : n.inputs()) {
                usersOf(users, in).add(n);
            }
        }
        for (Value r : results) {
            usersOf(users, r).add(null);
        }
        return users;
    }

    /**
     * Whether some node's op is an instance of one of {@code kinds} (passes ask before rewriting;
     * a loop, not a stream, as it runs on every first compile: see {@link Value#types}).
     */
    @SafeVarargs
    public final boolean containsOp(Class<? extends io.ann4j.compiler.ops.Op>... kinds) {
        for (Node n : nodes) {
            for (Class<? extends io.ann4j.compiler.ops.Op> kind : kinds) {
                if (kind.isInstance(n.op())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static List<Node> usersOf(Map<Value, List<Node>> users, Value v) {
        List<Node> list = users.get(v);
        if (list == null) {
            list = new ArrayList<>();
            users.put(v, list);
        }
        return list;
    }

    /** The node defining each node output. */
    public Map<Value, Node> producers() {
        Map<Value, Node> producers = new HashMap<>();
        for (Node n : nodes) {
            for (Value out : n.outputs()) {
                producers.put(out, n);
            }
        }
        return producers;
    }

    @Override
    public String toString() {
        Map<Value, String> names = new HashMap<>();
        StringBuilder sb = new StringBuilder("(");
        for (Value p : parameters) {
            String name = "%" + names.size();
            names.put(p, name);
            sb.append(names.size() > 1 ? ", " : "").append(name).append(':').append(p.type());
        }
        sb.append(") {\n");
        for (Node n : nodes) {
            sb.append("  ");
            for (int i = 0; i < n.outputs().size(); i++) {
                Value out = n.outputs().get(i);
                String name = "%" + names.size();
                names.put(out, name);
                sb.append(i > 0 ? ", " : "").append(name).append(':').append(out.type());
            }
            sb.append(" = ").append(n.op()).append('(');
            for (int i = 0; i < n.inputs().size(); i++) {
                sb.append(i > 0 ? ", " : "").append(names.get(n.inputs().get(i)));
            }
            sb.append(")\n");
        }
        sb.append("  return ");
        for (int i = 0; i < results.size(); i++) {
            sb.append(i > 0 ? ", " : "").append(names.get(results.get(i)));
        }
        return sb.append("\n}").toString();
    }
}
