package io.ann4j.compiler.interpret;

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
import io.ann4j.compiler.ops.CustomDerivative;
import io.ann4j.compiler.ops.DotGeneral;
import io.ann4j.compiler.ops.FusedRegion;
import io.ann4j.compiler.ops.GatherRows;
import io.ann4j.compiler.ops.Iota;
import io.ann4j.compiler.ops.Reduce;
import io.ann4j.compiler.ops.Reshape;
import io.ann4j.compiler.ops.ScatterAddRows;
import io.ann4j.compiler.ops.Slice;
import io.ann4j.compiler.ops.SortKeyVal;
import io.ann4j.compiler.ops.TopK;
import io.ann4j.compiler.ops.Transpose;
import io.ann4j.compiler.ops.UnaryOp;
import io.ann4j.compiler.spi.Executable;
import io.ann4j.compiler.spi.StorageTypes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The reference meaning of every op: a plain-Java interpreter that evaluates a graph node by node,
 * fused regions through their bodies, on {@link RefArray}s (no kernels, no Vector API, no native
 * code; ND4J only holds the arrays at the {@link Executable} boundary). Elementwise math is done in
 * double and rounded once to the dtype, sums and products accumulate in double, and every top-k is
 * exact in the total order. It is slow, one element at a time, and meant for checking backends,
 * for emulators that need ordinary ops run (the TPU emulator), and as the reference backend. Its
 * executables are stateless, so calls may overlap.
 */
public final class Interpreter implements Executable {
    private final Graph graph;

    private Interpreter(Graph graph) {
        for (Node n : graph.nodes()) {
            if (n.op() instanceof CustomDerivative c) {
                throw new IllegalArgumentException("interpreter: the compiler inlines " + c.name() + " before the backend");
            }
        }
        this.graph = graph;
    }

    /**
     * An executable that interprets {@code graph} (after the compiler's passes; custom derivatives
     * inlined). Errors in the graph are {@link IllegalArgumentException}s naming the op.
     */
    public static Executable of(Graph graph) {
        return new Interpreter(graph);
    }

    @Override
    public List<INDArray> execute(List<INDArray> inputs) {
        List<Value> params = graph.parameters();
        if (inputs.size() != params.size()) {
            throw new IllegalArgumentException("expected " + params.size() + " inputs, got " + inputs.size());
        }
        List<RefArray> in = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            INDArray a = inputs.get(i);
            TensorType t = params.get(i).type();
            if (a == null || !Arrays.equals(a.shape(), StorageTypes.longs(t.shape())) || a.dataType() != StorageTypes.storageType(t.dtype())) {
                throw new IllegalArgumentException("input " + i + " must be " + t + ", got "
                        + (a == null ? "null" : a.dataType() + Arrays.toString(a.shape())));
            }
            in.add(Boundary.read(a, t.dtype()));
        }
        List<INDArray> out = new ArrayList<>();
        for (RefArray r : run(graph, in)) {
            out.add(Boundary.write(r));
        }
        return out;
    }

    /**
     * Evaluates {@code graph} on row-major values held as doubles, one array per parameter (each
     * value one its parameter's dtype holds); returns the results likewise. For checks that need
     * no arrays of a backend (the compiler's own tests of its passes).
     */
    public static List<double[]> evaluate(Graph graph, List<double[]> inputs) {
        if (inputs.size() != graph.parameters().size()) {
            throw new IllegalArgumentException("expected " + graph.parameters().size() + " inputs, got " + inputs.size());
        }
        List<RefArray> in = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            TensorType t = graph.parameters().get(i).type();
            if (inputs.get(i).length != t.elementCount()) {
                throw new IllegalArgumentException("input " + i + " must hold the " + t.elementCount() + " elements of " + t
                        + ", got " + inputs.get(i).length);
            }
            in.add(new RefArray(t.dtype(), t.shape().toArray(), inputs.get(i).clone()));
        }
        List<double[]> out = new ArrayList<>();
        for (RefArray r : run(graph, in)) {
            out.add(r.data().clone());
        }
        return out;
    }

    /** Evaluates {@code g} on {@code inputs}: its results, in order. */
    static List<RefArray> run(Graph g, List<RefArray> inputs) {
        Map<Value, RefArray> env = new HashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            env.put(g.parameters().get(i), inputs.get(i));
        }
        for (Node n : g.nodes()) {
            List<RefArray> ins = new ArrayList<>(n.inputs().size());
            for (Value v : n.inputs()) {
                ins.add(env.get(v));
            }
            List<RefArray> outs = eval(n, ins);
            for (int i = 0; i < outs.size(); i++) {
                env.put(n.outputs().get(i), outs.get(i));
            }
        }
        List<RefArray> results = new ArrayList<>();
        for (Value r : g.results()) {
            results.add(env.get(r));
        }
        return results;
    }

    /** One node: its op's meaning, on its inputs. */
    static List<RefArray> eval(Node n, List<RefArray> in) {
        TensorType out = n.outputs().get(0).type();
        return switch (n.op()) {
            case Constant c -> List.of(ShapeOps.constant(c.value(), c.dtype()));
            case Iota i -> List.of(ShapeOps.iota(out, i.dimension()));
            case DotGeneral d -> List.of(ArithmeticOps.dotGeneral(d, in.get(0), in.get(1), out));
            case Transpose t -> List.of(ShapeOps.transpose(in.get(0), t.permutation().toArray()));
            case Reshape r -> List.of(ShapeOps.reshape(in.get(0), r.newSizes().toArray()));
            case BroadcastInDim b -> List.of(ShapeOps.broadcastInDim(in.get(0), b.shape().toArray(), b.broadcastDimensions().toArray()));
            case Concatenate c -> List.of(ShapeOps.concatenate(in, c.dimension(), out));
            case Slice s -> List.of(ShapeOps.slice(in.get(0), s.start().toArray(), s.strides().toArray(), out));
            case BinaryOp b -> List.of(ArithmeticOps.binary(b.kind(), in.get(0), in.get(1), out));
            case UnaryOp u -> List.of(ArithmeticOps.unary(u.kind(), in.get(0)));
            case Reduce r -> List.of(ArithmeticOps.reduce(r, in.get(0), out));
            case Convert c -> List.of(ArithmeticOps.convert(in.get(0), c.to()));
            case SortKeyVal s -> SelectionOps.sortKeyVal(in.get(0), in.get(1), s.dimension());
            case GatherRows g -> List.of(RowOps.gather(in.get(0), in.get(1), g.batchDims(), out));
            case ScatterAddRows s -> List.of(RowOps.scatterAdd(in.get(0), in.get(1), s.batchDims(), s.size(), out));
            case TopK t -> SelectionOps.topK(in.get(0), t.k());
            case ApproxTopK a -> SelectionOps.approxTopK(a, in.get(0), n.inputs().get(0).type());
            case FusedRegion f -> run(f.body(), in);
            case CustomDerivative c -> throw new IllegalStateException("the compiler inlines " + c.name() + " before the backend");
        };
    }
}
