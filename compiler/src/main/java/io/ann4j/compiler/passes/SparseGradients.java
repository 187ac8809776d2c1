package io.ann4j.compiler.passes;

import io.ann4j.compiler.autodiff.Emit;
import io.ann4j.compiler.ir.Dims;
import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.ir.GraphBuilder;
import io.ann4j.compiler.ir.Node;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.ir.Value;
import io.ann4j.compiler.ops.BinaryOp;
import io.ann4j.compiler.ops.BroadcastInDim;
import io.ann4j.compiler.ops.DotGeneral;
import io.ann4j.compiler.ops.GatherRows;
import io.ann4j.compiler.ops.Reduce;
import io.ann4j.compiler.ops.ScatterAddRows;
import io.ann4j.compiler.ops.UnaryOp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the derivatives of a search sparse: the reverse sweep of {@code approxMaxK(dot(qy, db^T))}
 * scatters the k cotangents of each query into a {@code [Q, N]} zero matrix and multiplies it back
 * through two products (what JAX does on the CPU); the forward sweep gathers a {@code [Q, N]}
 * tangent at the k indices. This pass moves the scatter past the products and the gather before
 * them, so neither {@code [Q, N]} matrix is formed and the work is {@code O(Q k D)}:
 *
 * <ul>
 *   <li>{@code scatter(u, idx) . X} becomes {@code sum_j u[q,j] * X[idx[q,j]]} (a gather of the
 *       selected rows), and {@code scatter(u, idx)^T . Y} a row scatter {@code out[idx[q,j]] +=
 *       u[q,j] * Y[q]}, a deterministic segment sum ({@link ScatterAddRows});
 *   <li>row scatters commute with negation, with products and quotients by dense arrays (gathered
 *       at the same rows), with broadcasts along and sums over the row's own dimensions, and two
 *       scatters add by concatenation, so the L2 and cosine forms stay sparse too;
 *   <li>a gather along the last axis moves inside elementwise ops and broadcasts, and a gather of
 *       a product becomes the product of gathered rows.
 * </ul>
 * A value the pass cannot move stays dense and correct.
 */
public final class SparseGradients {
    /** A row scatter in the new graph: {@code ScatterAddRows(batchDims, size)(updates, indices)}. */
    private record Scatter(int batchDims, int size, Value updates, Value indices) {}

    private final GraphBuilder b = new GraphBuilder();
    private final Emit e = new Emit(b);
    private final Map<Value, Scatter> scatters = new HashMap<>();
    private final Map<Value, Node> producers = new HashMap<>(); // new values' producing nodes

    private SparseGradients() {}

    public static Graph run(Graph graph) {
        if (!graph.containsOp(ScatterAddRows.class, GatherRows.class)) {
            return graph;
        }
        SparseGradients p = new SparseGradients();
        Map<Value, Value> map = new HashMap<>();
        for (Value v : graph.parameters()) {
            map.put(v, p.b.parameter(v.type()));
        }
        for (Node n : graph.nodes()) {
            List<Value> ins = Value.mapped(n.inputs(), map);
            Value out = n.outputs().size() == 1 ? p.rewrite(n, ins) : null;
            List<Value> outs = out != null ? List.of(out) : p.add(n.op(), ins);
            for (int i = 0; i < outs.size(); i++) {
                map.put(n.outputs().get(i), outs.get(i));
            }
        }
        return DeadCodeElimination.run(p.b.build(Value.mapped(graph.results(), map)));
    }

    private List<Value> add(io.ann4j.compiler.ops.Op op, List<Value> ins) {
        List<Value> outs = b.add(op, ins);
        Node n = new Node(op, ins, outs);
        for (Value o : outs) {
            producers.put(o, n);
        }
        if (op instanceof ScatterAddRows s) {
            scatters.put(outs.get(0), new Scatter(s.batchDims(), s.size(), ins.get(0), ins.get(1)));
        }
        return outs;
    }

    private Value add1(io.ann4j.compiler.ops.Op op, Value... ins) {
        return add(op, List.of(ins)).get(0);
    }

    private Value scatter(int batchDims, int size, Value updates, Value indices) {
        return add1(new ScatterAddRows(batchDims, size), updates, indices);
    }

    private Value gather0(Value rows, Value indices) {
        return add1(new GatherRows(0), rows, indices);
    }

    /** The replacement of a one-output node, or null to copy it. */
    private Value rewrite(Node n, List<Value> ins) {
        return switch (n.op()) {
            case DotGeneral d -> dotOfScatter(d, ins.get(0), ins.get(1));
            case UnaryOp u when u.kind() == UnaryOp.Kind.NEG && scatters.containsKey(ins.get(0)) -> {
                Scatter s = scatters.get(ins.get(0));
                yield scatter(s.batchDims(), s.size(), add1(u, s.updates()), s.indices());
            }
            case Reduce r when r.kind() == Reduce.Kind.SUM -> reduceOfScatter(r, ins.get(0));
            case BroadcastInDim bc -> broadcastOfScatter(bc, ins.get(0));
            case BinaryOp bin -> binaryOfScatters(bin, ins.get(0), ins.get(1));
            case GatherRows g -> gatherOf(g, ins.get(0), ins.get(1));
            default -> null;
        };
    }

    /** {@code scatter_b1(u [Q,k], idx) [Q,N]} times a dense matrix, either way round. */
    private Value dotOfScatter(DotGeneral d, Value lhs, Value rhs) {
        Scatter s = scatters.get(lhs);
        if (s == null || s.batchDims() != 1 || lhs.type().rank() != 2 || rhs.type().rank() != 2 || d.lhsBatch().size() != 0
                || s.updates().type().rank() != 2) {
            return null;
        }
        Value u = s.updates();
        int q = u.type().dim(0);
        if (d.lhsContracting().equals(Dims.of(1)) && d.rhsContracting().equals(Dims.of(0))) {
            // out[q] = sum_j u[q,j] * X[idx[q,j]]: one small product per query
            Value rows = gather0(rhs, s.indices()); // [Q, k, D]
            return add1(new DotGeneral(Dims.of(1), Dims.of(1), Dims.of(0), Dims.of(0)), u, rows);
        }
        if (d.lhsContracting().equals(Dims.of(0)) && d.rhsContracting().equals(Dims.of(0)) && rhs.type().dim(0) == q) {
            // out[idx[q,j]] += u[q,j] * Y[q]: per query the outer product of its k weights and its row
            Value upd = add1(new DotGeneral(Dims.empty(), Dims.empty(), Dims.of(0), Dims.of(0)), u, rhs); // [Q, k, D]
            return scatter(0, s.size(), upd, s.indices());
        }
        return null;
    }

    private Value reduceOfScatter(Reduce r, Value x) {
        Scatter s = scatters.get(x);
        if (s == null) {
            return null;
        }
        int ni = s.indices().type().rank() - s.batchDims();
        if (s.batchDims() == 1 && x.type().rank() == 2 && r.axes().equals(Dims.of(0))) {
            return scatter(0, s.size(), s.updates(), s.indices()); // sum over queries: all updates into one row space
        }
        if (s.batchDims() == 0 && !r.axes().contains(0)) {
            int[] axes = new int[r.axes().size()];
            for (int i = 0; i < axes.length; i++) {
                axes[i] = r.axes().get(i) - 1 + ni;
            }
            return scatter(0, s.size(), e.reduceSum(s.updates(), axes), s.indices());
        }
        return null;
    }

    /** A broadcast of a row scatter that keeps its rows (dimension 0 stays dimension 0). */
    private Value broadcastOfScatter(BroadcastInDim bc, Value x) {
        Scatter s = scatters.get(x);
        if (s == null || s.batchDims() != 0 || bc.broadcastDimensions().get(0) != 0 || bc.shape().get(0) != s.size()) {
            return null;
        }
        int ni = s.indices().type().rank();
        int[] shape = new int[ni + bc.shape().size() - 1];
        for (int i = 0; i < ni; i++) {
            shape[i] = s.indices().type().dim(i);
        }
        for (int a = 1; a < bc.shape().size(); a++) {
            shape[ni + a - 1] = bc.shape().get(a);
        }
        int[] dims = new int[s.updates().type().rank()];
        for (int i = 0; i < ni; i++) {
            dims[i] = i;
        }
        for (int r = 1; r < x.type().rank(); r++) {
            dims[ni + r - 1] = bc.broadcastDimensions().get(r) - 1 + ni;
        }
        Value upd = e.broadcast(s.updates(), s.updates().type().withShape(shape), dims);
        return scatter(0, s.size(), upd, s.indices());
    }

    private Value binaryOfScatters(BinaryOp bin, Value x, Value y) {
        Scatter sx = rowScatter(x);
        Scatter sy = rowScatter(y);
        switch (bin.kind()) {
            case ADD, SUB -> {
                if (sx == null || sy == null || !x.type().equals(y.type())) {
                    return null;
                }
                Scatter fx = flat(sx);
                Scatter fy = flat(sy);
                Value uy = bin.kind() == BinaryOp.Kind.SUB ? e.neg(fy.updates()) : fy.updates();
                return scatter(0, sx.size(), e.concat(0, fx.updates(), uy), e.concat(0, fx.indices(), fy.indices()));
            }
            case MUL -> {
                if (sx != null && sy == null) {
                    return scatter(0, sx.size(), e.mul(sx.updates(), gather0(y, sx.indices())), sx.indices());
                }
                if (sy != null && sx == null) {
                    return scatter(0, sy.size(), e.mul(gather0(x, sy.indices()), sy.updates()), sy.indices());
                }
                return null;
            }
            case DIV -> {
                return sx != null && sy == null
                        ? scatter(0, sx.size(), e.div(sx.updates(), gather0(y, sx.indices())), sx.indices()) : null;
            }
            default -> {
                return null;
            }
        }
    }

    private Scatter rowScatter(Value v) {
        Scatter s = scatters.get(v);
        return s != null && s.batchDims() == 0 ? s : null;
    }

    /** The same scatter with its indices flattened to one dimension (so two can concatenate). */
    private Scatter flat(Scatter s) {
        return flat(e, s);
    }

    /** {@code s} with its indices reshaped to {@code [M]} and its updates to {@code [M, R...]}. */
    private static Scatter flat(Emit e, Scatter s) {
        int ni = s.indices().type().rank();
        long m = s.indices().type().elementCount();
        int[] ushape = s.updates().type().shape().toArray();
        int[] flatU = new int[ushape.length - ni + 1];
        flatU[0] = Math.toIntExact(m);
        System.arraycopy(ushape, ni, flatU, 1, ushape.length - ni);
        return new Scatter(0, s.size(), e.reshape(s.updates(), flatU), e.reshape(s.indices(), Math.toIntExact(m)));
    }

    /** A gather along the last axis of a {@code [Q, N]} value computed from products and broadcasts. */
    private Value gatherOf(GatherRows g, Value x, Value idx) {
        if (g.batchDims() != 1 || x.type().rank() != 2 || idx.type().rank() != 2) {
            return null;
        }
        Node p = producers.get(x);
        if (p == null) {
            return null;
        }
        return switch (p.op()) {
            case DotGeneral d when d.lhsBatch().size() == 0 && d.lhsContracting().equals(Dims.of(1))
                    && d.rhsContracting().equals(Dims.of(1)) && p.inputs().get(0).type().rank() == 2
                    && p.inputs().get(1).type().rank() == 2 -> {
                // out[q,j] = sum_d B[idx[q,j], d] * A[q,d]: the tangent at the selected rows only
                Value rows = gather0(p.inputs().get(1), idx); // [Q, k, D]
                yield add1(new DotGeneral(Dims.of(2), Dims.of(1), Dims.of(0), Dims.of(0)), rows, p.inputs().get(0));
            }
            case UnaryOp u -> add1(u, gatherOrRewrite(g, p.inputs().get(0), idx));
            case BinaryOp bin -> add1(bin, gatherOrRewrite(g, p.inputs().get(0), idx), gatherOrRewrite(g, p.inputs().get(1), idx));
            case BroadcastInDim bc when bc.broadcastDimensions().equals(Dims.of(1)) -> gather0(p.inputs().get(0), idx);
            case BroadcastInDim bc when bc.broadcastDimensions().equals(Dims.of(0)) ->
                    e.broadcast(p.inputs().get(0), idx.type().withDType(x.type().dtype()), 0);
            case BroadcastInDim bc when bc.broadcastDimensions().size() == 0 ->
                    e.broadcast(p.inputs().get(0), idx.type().withDType(x.type().dtype()));
            default -> null;
        };
    }

    private Value gatherOrRewrite(GatherRows g, Value x, Value idx) {
        Value r = gatherOf(g, x, idx);
        return r != null ? r : add1(g, x, idx);
    }

    /**
     * {@code graph} with result {@code index} returned row-sparse: two results in its place, the
     * row ids {@code i32[M]} and the rows {@code [M, R...]} whose sum by id is that result (ids may
     * repeat, as in TensorFlow's {@code IndexedSlices}). Null if, after canonicalisation and this
     * pass, the result is not a row scatter.
     */
    public static Graph rowSparseResult(Graph graph, int index) {
        Graph g = run(Canonicalize.run(graph));
        Node producer = g.producers().get(g.results().get(index));
        if (producer == null || !(producer.op() instanceof ScatterAddRows s) || s.batchDims() != 0) {
            return null;
        }
        GraphBuilder b = new GraphBuilder();
        List<Value> params = new ArrayList<>();
        for (Value p : g.parameters()) {
            params.add(b.parameter(p.type()));
        }
        List<Value> all = new ArrayList<>(g.results());
        all.addAll(producer.inputs());
        List<Value> outs = b.inline(new Graph(g.parameters(), g.nodes(), all), params);
        Scatter rows = flat(new Emit(b), new Scatter(0, s.size(), outs.get(outs.size() - 2), outs.get(outs.size() - 1)));
        List<Value> results = new ArrayList<>(outs.subList(0, g.results().size()));
        results.remove(index);
        results.add(index, rows.updates());
        results.add(index, rows.indices());
        return DeadCodeElimination.run(b.build(results));
    }
}
