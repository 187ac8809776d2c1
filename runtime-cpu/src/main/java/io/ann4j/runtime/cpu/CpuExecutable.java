package io.ann4j.runtime.cpu;

import io.ann4j.compiler.spi.StorageTypes;
import io.ann4j.compiler.ir.Graph;
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
import io.ann4j.compiler.spi.Executable;
import io.ann4j.compiler.spi.PreparedArray;
import io.ann4j.runtime.cpu.dense.DenseOps;
import io.ann4j.runtime.cpu.dense.RowOps;
import io.ann4j.compiler.spi.HalfArrays;
import io.ann4j.runtime.cpu.dense.SortKeyValues;
import io.ann4j.runtime.cpu.kernel.Epilogue;
import io.ann4j.runtime.cpu.search.RegionPlan;
import io.ann4j.runtime.cpu.search.SearchOptions;
import io.ann4j.runtime.cpu.search.TopKSearch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A graph lowered for the CPU: each node becomes a step over ND4J arrays; fused regions and
 * top-k ops run the generated kernels. Immutable after construction, so calls may overlap.
 */
final class CpuExecutable implements Executable {
    /** One lowered node. */
    @FunctionalInterface
    private interface Step {
        List<INDArray> run(List<INDArray> inputs);
    }

    private final Graph graph;
    private final List<Step> steps = new ArrayList<>();
    /** Per step, which inputs it takes in half-precision storage (the others come widened to f32). */
    private final List<java.util.Set<Integer>> halfInputs = new ArrayList<>();
    /**
     * Per step, whether its outputs may be kept with prepared inputs: a dense step (not a search)
     * whose inputs are all {@link PreparedArray prepared} computes the same arrays on every call
     * (an L2 search's norms, a cosine search's normalised rows), so they are computed once and
     * kept, themselves prepared, so the search that reads them finds its int8 copy too.
     */
    private final List<Boolean> memoizable = new ArrayList<>();

    /** @param options the fused searches' options (selection, candidates, product) */
    CpuExecutable(Graph graph, SearchOptions options) {
        this.graph = graph;
        for (Node n : graph.nodes()) {
            steps.add(lower(n, options));
            memoizable.add(!n.inputs().isEmpty() && !(n.op() instanceof FusedRegion) && !(n.op() instanceof TopK)
                    && !(n.op() instanceof ApproxTopK));
            java.util.Set<Integer> half = new java.util.HashSet<>();
            if (n.op() instanceof FusedRegion f) {
                RegionPlan plan = RegionPlan.of(f.body());
                for (int i = 0; i < n.inputs().size(); i++) {
                    if (TopKSearch.acceptsHalf(plan, i)) {
                        half.add(i);
                    }
                }
            }
            halfInputs.add(half);
        }
    }

    @Override
    public List<INDArray> execute(List<INDArray> inputs) {
        List<Value> params = graph.parameters();
        if (inputs.size() != params.size()) {
            throw new IllegalArgumentException("expected " + params.size() + " inputs, got " + inputs.size());
        }
        Map<Value, INDArray> env = new HashMap<>();
        // Half-precision inputs stay in their storage for the steps that read them so (a search
        // over a bf16 database reads half the bytes); the others get them widened, once.
        Map<Value, INDArray> widened = new HashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            INDArray in = inputs.get(i);
            TensorType t = params.get(i).type();
            if (in == null || !java.util.Arrays.equals(in.shape(), StorageTypes.longs(t.shape())) || in.dataType() != StorageTypes.storageType(t.dtype())) {
                throw new IllegalArgumentException("input " + i + " must be " + t + ", got "
                        + (in == null ? "null" : in.dataType() + java.util.Arrays.toString(in.shape())));
            }
            env.put(params.get(i), in);
        }
        for (int s = 0; s < steps.size(); s++) {
            Node n = graph.nodes().get(s);
            List<INDArray> ins = new ArrayList<>(n.inputs().size());
            for (int i = 0; i < n.inputs().size(); i++) {
                Value v = n.inputs().get(i);
                INDArray a = env.get(v);
                boolean stored = a.dataType() == org.nd4j.linalg.api.buffer.DataType.BFLOAT16
                        || a.dataType() == org.nd4j.linalg.api.buffer.DataType.HALF;
                ins.add(stored && !halfInputs.get(s).contains(i)
                        ? widened.computeIfAbsent(v, x -> HalfArrays.halfToFloat(a)) : a);
            }
            List<INDArray> outs = memoizable.get(s) ? memoized(s, ins) : null;
            if (outs == null) {
                outs = steps.get(s).run(ins);
            }
            for (int i = 0; i < outs.size(); i++) {
                env.put(n.outputs().get(i), outs.get(i));
            }
        }
        List<INDArray> results = new ArrayList<>();
        for (Value r : graph.results()) {
            INDArray a = env.get(r);
            if (a.dataType() == StorageTypes.storageType(r.type().dtype()) && r.type().dtype().isHalf()) {
                results.add(inputs.contains(a) ? a.dup('c') : a); // a half input returned as it is
                continue;
            }
            var storage = StorageTypes.storageType(r.type().dtype());
            // Results never alias the caller's inputs.
            if (r.type().dtype().isHalf()) {
                results.add(HalfArrays.floatToHalf(a, r.type().dtype()));
            } else {
                boolean shared = isOneOf(a, inputs) || PreparedArray.lookup(a) != null;
                results.add(a.dataType() == storage ? (shared ? a.dup('c') : a) : a.castTo(storage));
            }
        }
        return results;
    }

    /** Step {@code s}'s outputs kept with its prepared inputs, or null when an input is not prepared. */
    private List<INDArray> memoized(int s, List<INDArray> ins) {
        List<Object> key = new ArrayList<>(ins.size() + 2);
        key.add(this);
        key.add(s);
        PreparedArray first = null;
        for (INDArray in : ins) {
            PreparedArray p = PreparedArray.lookup(in);
            if (p == null) {
                return null;
            }
            first = first == null ? p : first;
            key.add(p);
        }
        List<PreparedArray> kept = first.derivedArrays(key, () -> steps.get(s).run(ins));
        List<INDArray> outs = new ArrayList<>(kept.size());
        for (PreparedArray p : kept) {
            outs.add(p.array());
        }
        return outs;
    }

    /** By identity: {@code List.contains} would compare arrays element by element. */
    private static boolean isOneOf(INDArray a, List<INDArray> arrays) {
        for (INDArray x : arrays) {
            if (x == a) {
                return true;
            }
        }
        return false;
    }

    private static Step lower(Node n, SearchOptions options) {
        String selection = options.selection();
        TensorType out = n.outputs().get(0).type();
        Op op = n.op();
        return switch (op) {
            case Constant c -> in -> List.of(DenseOps.constant(c.value(), c.dtype()));
            case Iota i -> in -> List.of(DenseOps.iota(out, i.dimension()));
            case DotGeneral d -> in -> List.of(DenseOps.dotGeneral(d, in.get(0), in.get(1), out));
            case Transpose t -> in -> List.of(DenseOps.transpose(in.get(0), t.permutation()));
            case Reshape r -> in -> List.of(DenseOps.reshape(in.get(0), r.newSizes()));
            case BroadcastInDim b -> in -> List.of(DenseOps.broadcastInDim(in.get(0), b.shape(), b.broadcastDimensions()));
            case Concatenate c -> in -> List.of(Nd4j.concat(c.dimension(), in.toArray(INDArray[]::new)).dup('c'));
            case Slice s -> in -> List.of(DenseOps.slice(in.get(0), s.start(), s.limit(), s.strides(), out));
            case BinaryOp b -> in -> List.of(DenseOps.binary(b.kind(), in.get(0), in.get(1)));
            case UnaryOp u -> in -> List.of(DenseOps.unary(u.kind(), in.get(0)));
            case Reduce r -> in -> List.of(DenseOps.reduce(r, in.get(0), out));
            case Convert c -> in -> List.of(DenseOps.convert(in.get(0), c.to()));
            case SortKeyVal s -> in -> SortKeyValues.sort(in.get(0), in.get(1), s.dimension());
            case GatherRows g -> in -> List.of(RowOps.gatherRows(in.get(0), in.get(1), g.batchDims(), out));
            case CustomDerivative c -> throw new IllegalStateException("the compiler inlines " + c.name() + " before the backend");
            case ScatterAddRows s -> in -> List.of(RowOps.scatterAddRows(in.get(0), in.get(1), s.batchDims(), out));
            case ApproxTopK a -> {
                TopKSearch.prepareKernel(new Epilogue.Score(), op, n.inputs().get(0).type());
                yield topK(op, n.inputs().get(0).type(), a.params().axis(n.inputs().get(0).type().rank()), selection);
            }
            case TopK t -> {
                TopKSearch.prepareKernel(new Epilogue.Score(), op, n.inputs().get(0).type());
                yield topK(op, n.inputs().get(0).type(), n.inputs().get(0).type().rank() - 1, selection);
            }
            case FusedRegion f -> {
                RegionPlan plan = RegionPlan.of(f.body());
                TensorType scores = f.body().nodes().get(f.body().nodes().size() - 1).inputs().get(0).type();
                TopKSearch.prepareKernel(plan.epilogue(), plan.reduction(), scores);
                yield in -> TopKSearch.fused(plan, in, scores, options);
            }
        };
    }

    /** A top-k over any axis: moved last, run row by row, moved back. */
    private static Step topK(Op op, TensorType operand, int axis, String selection) {
        return in -> io.ann4j.compiler.spi.AlongAxis.apply(in.get(0), axis, rows -> TopKSearch.rows(op, operand, rows, selection));
    }
}
