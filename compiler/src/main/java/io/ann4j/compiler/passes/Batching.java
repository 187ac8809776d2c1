package io.ann4j.compiler.passes;

import io.ann4j.compiler.ir.Dims;
import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.ir.GraphBuilder;
import io.ann4j.compiler.ir.Node;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.ir.Value;
import io.ann4j.compiler.ops.ApproxTopK;
import io.ann4j.compiler.ops.BinaryOp;
import io.ann4j.compiler.ops.BroadcastInDim;
import io.ann4j.compiler.ops.Concatenate;
import io.ann4j.compiler.ops.Constant;
import io.ann4j.compiler.ops.Convert;
import io.ann4j.compiler.ops.DotGeneral;
import io.ann4j.compiler.ops.FusedRegion;
import io.ann4j.compiler.ops.GatherRows;
import io.ann4j.compiler.ops.Iota;
import io.ann4j.compiler.ops.Op;
import io.ann4j.compiler.ops.Reduce;
import io.ann4j.compiler.ops.Reshape;
import io.ann4j.compiler.ops.CustomDerivative;
import io.ann4j.compiler.ops.ScatterAddRows;
import io.ann4j.compiler.ops.Slice;
import io.ann4j.compiler.ops.SortKeyVal;
import io.ann4j.compiler.ops.TopK;
import io.ann4j.compiler.ops.Transpose;
import io.ann4j.compiler.ops.UnaryOp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The batching transform behind {@code vmap}: rewrites a graph traced on one example into a graph
 * over a batch of {@code size} examples, by one batching rule per op (as JAX's
 * {@code primitive_batchers}). Batched values carry the batch as their dimension 0; a value that
 * does not depend on a batched input stays unbatched and is broadcast only where an op meets a
 * batched one. Every result of the new graph is batched along dimension 0.
 */
public final class Batching {
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

    private List<Value> rule(Op op, List<Value> ins) {
        boolean any = ins.stream().anyMatch(batched::contains);
        if (!any) {
            return b.add(op, ins);
        }
        List<Value> outs = switch (op) {
            case UnaryOp u -> b.add(op, ins);
            case Convert c -> b.add(op, ins);
            case TopK t -> b.add(op, ins);
            case BinaryOp bin -> b.add(op, ins.stream().map(this::materialize).toList());
            case Transpose t -> b.add(new Transpose(shift(Dims.of(0), t.permutation(), 1)), ins);
            case Reshape r -> b.add(new Reshape(prepend(size, r.newSizes())), ins);
            case BroadcastInDim bc -> b.add(new BroadcastInDim(prepend(size, bc.shape()),
                    shift(Dims.of(0), bc.broadcastDimensions(), 1)), ins);
            case Concatenate c -> b.add(new Concatenate(c.dimension() + 1), ins.stream().map(this::materialize).toList());
            case Slice s -> b.add(new Slice(prepend(0, s.start()), prepend(size, s.limit()), prepend(1, s.strides())), ins);
            case Reduce r -> b.add(new Reduce(r.kind(), shift(Dims.empty(), r.axes(), 1)), ins);
            case SortKeyVal s -> b.add(new SortKeyVal(s.dimension() + 1), ins.stream().map(this::materialize).toList());
            case ApproxTopK a -> {
                int axis = a.params().axis(ins.get(0).type().rank() - 1);
                yield b.add(new ApproxTopK(a.params().withReductionDimension(axis + 1)), ins);
            }
            case GatherRows g -> {
                if (!batched.contains(ins.get(0)) && g.batchDims() == 0) {
                    yield b.add(g, ins);
                }
                yield b.add(new GatherRows(g.batchDims() + 1), ins.stream().map(this::materialize).toList());
            }
            case CustomDerivative c -> throw new IllegalArgumentException("vmap of " + c.name()
                    + ", a function with a custom derivative rule, is not supported: apply vmap inside the differentiated function, or differentiate first (vmap(grad(f)))");
            case ScatterAddRows s -> b.add(new ScatterAddRows(s.batchDims() + 1, s.size()),
                    ins.stream().map(this::materialize).toList());
            case DotGeneral d -> dot(d, ins);
            case Constant c -> throw new IllegalStateException("constant has no inputs");
            case Iota i -> throw new IllegalStateException("iota has no inputs");
            case FusedRegion f -> throw new IllegalArgumentException("vmap runs before fusion; got a fused region");
        };
        batched.addAll(outs);
        return outs;
    }

    private List<Value> dot(DotGeneral d, List<Value> ins) {
        boolean lb = batched.contains(ins.get(0));
        boolean rb = batched.contains(ins.get(1));
        Dims one = Dims.of(0);
        if (lb && rb) {
            return b.add(new DotGeneral(shift(Dims.empty(), d.lhsContracting(), 1), shift(Dims.empty(), d.rhsContracting(), 1),
                    shift(one, d.lhsBatch(), 1), shift(one, d.rhsBatch(), 1)), ins);
        }
        int nb = d.lhsBatch().size();
        Value out;
        int position;
        if (lb) {
            out = b.add1(new DotGeneral(shift(Dims.empty(), d.lhsContracting(), 1), d.rhsContracting(),
                    shift(Dims.empty(), d.lhsBatch(), 1), d.rhsBatch()), ins.get(0), ins.get(1));
            position = nb;
        } else {
            out = b.add1(new DotGeneral(d.lhsContracting(), shift(Dims.empty(), d.rhsContracting(), 1),
                    d.lhsBatch(), shift(Dims.empty(), d.rhsBatch(), 1)), ins.get(0), ins.get(1));
            position = nb + d.lhsFree(ins.get(0).type().rank()).length;
        }
        return List.of(moveToFront(out, position));
    }

    private Value moveToFront(Value v, int axis) {
        if (axis == 0) {
            return v;
        }
        int[] perm = new int[v.type().rank()];
        perm[0] = axis;
        for (int i = 1, j = 0; i < perm.length; j++) {
            if (j != axis) {
                perm[i++] = j;
            }
        }
        return b.add1(new Transpose(Dims.of(perm)), v);
    }

    /** An unbatched value broadcast along a new leading batch dimension; batched ones as they are. */
    private Value materialize(Value v) {
        if (batched.contains(v)) {
            return v;
        }
        int rank = v.type().rank();
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) {
            dims[i] = i + 1;
        }
        Value out = b.add1(new BroadcastInDim(prepend(size, v.type().shape()), Dims.of(dims)), v);
        batched.add(out);
        return out;
    }

    private static Dims shift(Dims head, Dims axes, int by) {
        int[] out = new int[head.size() + axes.size()];
        for (int i = 0; i < head.size(); i++) {
            out[i] = head.get(i);
        }
        for (int i = 0; i < axes.size(); i++) {
            out[head.size() + i] = axes.get(i) + by;
        }
        return Dims.of(out);
    }

    private static Dims prepend(int first, Dims rest) {
        int[] out = new int[rest.size() + 1];
        out[0] = first;
        for (int i = 0; i < rest.size(); i++) {
            out[i + 1] = rest.get(i);
        }
        return Dims.of(out);
    }

    private static TensorType prepend(TensorType t, int size) {
        return new TensorType(t.dtype(), prepend(size, t.shape()));
    }
}
