package io.ann4j.compiler.passes;

import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.ir.GraphBuilder;
import io.ann4j.compiler.ir.Node;
import io.ann4j.compiler.ir.Value;
import io.ann4j.compiler.ops.ApproxTopK;
import io.ann4j.compiler.ops.BinaryOp;
import io.ann4j.compiler.ops.BroadcastInDim;
import io.ann4j.compiler.ops.DotGeneral;
import io.ann4j.compiler.ops.FusedRegion;
import io.ann4j.compiler.ops.TopK;
import io.ann4j.compiler.ops.UnaryOp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Groups a matrix product, the elementwise ops applied to its result and the top-k reduction
 * that ends them into one {@link FusedRegion}, so that a backend can run them as one tiled pass
 * that never holds the {@code [Q, N]} score matrix.
 *
 * <p>What fuses: a {@link DotGeneral} of two matrices with one contracting dimension and no batch
 * dimensions; then a chain of {@link UnaryOp}s and {@link BinaryOp}s whose other operand is a
 * broadcast of a scalar, of a per-row vector or of a per-column vector (the L2 form
 * {@code |db|^2/2 - qy.db} is one); ended by {@link ApproxTopK} or {@link TopK} along dimension 1.
 * Every intermediate must have no other reader. Anything else is left as it is.
 */
public final class Fusion {
    private Fusion() {}

    /** A recognised region: the nodes from the dot to the reduction, and the region's inputs. */
    private record Match(Node reduction, Node dot, List<Node> chain, List<Node> sides, List<Value> inputs) {}

    public static Graph run(Graph graph) {
        Map<Value, Node> producers = graph.producers();
        Map<Value, List<Node>> users = graph.users();
        Map<Node, Match> matches = new java.util.IdentityHashMap<>(); // nodes are this graph's own: identity suffices
        for (Node n : graph.nodes()) {
            Match m = match(n, producers, users);
            if (m != null) {
                matches.put(n, m);
            }
        }
        if (matches.isEmpty()) {
            return graph;
        }
        Graph out = Rewriter.rewrite(graph, new Rewriter.Rule() { // a class, not a lambda: see Value.types
            @Override
            public List<Value> rewrite(Node node, List<Value> ins, GraphBuilder b, Map<Value, Value> map) {
                Match m = matches.get(node);
                if (m == null) {
                    return null;
                }
                Graph body = body(m);
                return b.add(new FusedRegion(body), Value.mapped(m.inputs(), map));
            }
        });
        return DeadCodeElimination.run(out);
    }

    private static Match match(Node reduction, Map<Value, Node> producers, Map<Value, List<Node>> users) {
        boolean reducesColumns = switch (reduction.op()) {
            case ApproxTopK a -> a.params().axis(reduction.inputs().get(0).type().rank()) == 1;
            case TopK t -> true;
            default -> false;
        };
        if (!reducesColumns) {
            return null;
        }
        // Only read the operand once the node is known to be a reduction: constants and iotas have none.
        Value v = reduction.inputs().get(0);
        if (v.type().rank() != 2) {
            return null;
        }
        List<Node> chain = new ArrayList<>();
        List<Node> sides = new ArrayList<>();
        while (true) {
            Node p = producers.get(v);
            if (p == null || users.getOrDefault(v, List.of()).size() != 1) {
                return null;
            }
            if (p.op() instanceof DotGeneral dot && isMatrixProduct(dot, p)) {
                Collections.reverse(chain);
                Map<Value, Boolean> inputs = new LinkedHashMap<>();
                inputs.put(p.inputs().get(0), true);
                inputs.put(p.inputs().get(1), true);
                for (Node s : sides) {
                    inputs.put(s.inputs().get(0), true);
                }
                return new Match(reduction, p, chain, sides, new ArrayList<>(inputs.keySet()));
            }
            if (p.op() instanceof UnaryOp u && u.kind().fusable()) {
                chain.add(p);
                v = p.inputs().get(0);
            } else if (p.op() instanceof BinaryOp) {
                Node a = producers.get(p.inputs().get(0));
                Node c = producers.get(p.inputs().get(1));
                if (isSide(c)) {
                    sides.add(c);
                    v = p.inputs().get(0);
                } else if (isSide(a)) {
                    sides.add(a);
                    v = p.inputs().get(1);
                } else {
                    return null;
                }
                chain.add(p);
            } else {
                return null;
            }
        }
    }

    private static boolean isMatrixProduct(DotGeneral dot, Node node) {
        return node.inputs().get(0).type().rank() == 2 && node.inputs().get(1).type().rank() == 2
                && dot.lhsContracting().size() == 1 && dot.lhsBatch().size() == 0;
    }

    /** A broadcast of a scalar, of a per-row vector (dimension 0) or of a per-column vector (1). */
    private static boolean isSide(Node n) {
        if (n == null || !(n.op() instanceof BroadcastInDim bc) || n.output().type().rank() != 2) {
            return false;
        }
        Value src = n.inputs().get(0);
        return src.type().rank() == 0 || (src.type().rank() == 1 && bc.broadcastDimensions().size() == 1);
    }

    private static Graph body(Match m) {
        GraphBuilder b = new GraphBuilder();
        Map<Value, Value> map = new HashMap<>();
        for (Value in : m.inputs()) {
            map.put(in, b.parameter(in.type()));
        }
        List<Node> ordered = new ArrayList<>();
        ordered.add(m.dot());
        ordered.addAll(m.sides());
        ordered.addAll(m.chain());
        ordered.add(m.reduction());
        List<Value> results = null;
        for (Node n : ordered) {
            List<Value> outs = b.add(n.op(), Value.mapped(n.inputs(), map));
            for (int i = 0; i < outs.size(); i++) {
                map.put(n.outputs().get(i), outs.get(i));
            }
            results = outs;
        }
        return b.build(results);
    }
}
