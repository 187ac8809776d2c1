package io.ann4j.runtime.tpu.emulator;

import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.ir.GraphBuilder;
import io.ann4j.compiler.ir.Node;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.ir.Value;
import io.ann4j.compiler.ops.ApproxTopK;
import io.ann4j.compiler.ops.FusedRegion;
import io.ann4j.compiler.spi.Executable;
import io.ann4j.compiler.interpret.Interpreter;
import io.ann4j.compiler.spi.HalfArrays;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runs a lowered program as a TPU would, on the CPU: {@code ApproxTopK} by {@link TpuApproxTopK};
 * every other op by the compiler's reference interpreter ({@link Interpreter}), one op at a time (as XLA
 * runs unfused HLO); fused regions op by op through their bodies. Values between ops keep their
 * declared dtypes. No other backend is loaded: the emulator needs neither ND4J's kernels nor
 * OpenBLAS or oneDNN.
 */
final class EmulatorExecutable implements Executable {
    /** One step: the node's inputs to its outputs. */
    private interface Step {
        List<INDArray> run(List<INDArray> inputs);
    }

    private final Graph graph;
    private final List<Step> steps = new ArrayList<>();
    private final String module;

    EmulatorExecutable(Graph graph, String module, boolean fallback) {
        this.graph = graph;
        this.module = module;
        for (Node n : graph.nodes()) {
            steps.add(lower(n, fallback));
        }
    }

    /** The StableHLO module this program lowers to. */
    String module() {
        return module;
    }

    @Override
    public List<INDArray> execute(List<INDArray> inputs) {
        return run(graph, steps, inputs);
    }

    private static List<INDArray> run(Graph g, List<Step> steps, List<INDArray> inputs) {
        if (inputs.size() != g.parameters().size()) {
            throw new IllegalArgumentException("expected " + g.parameters().size() + " inputs, got " + inputs.size());
        }
        Map<Value, INDArray> env = new HashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            env.put(g.parameters().get(i), inputs.get(i));
        }
        for (int s = 0; s < steps.size(); s++) {
            Node n = g.nodes().get(s);
            List<INDArray> outs = steps.get(s).run(n.inputs().stream().map(env::get).toList());
            for (int i = 0; i < outs.size(); i++) {
                env.put(n.outputs().get(i), outs.get(i));
            }
        }
        return g.results().stream().map(env::get).toList();
    }

    /**
     * One node's step. With {@code fallback}, {@code ApproxTopK} is XLA's fallback for CPUs and
     * GPUs, an exact top-k, which the reference interpreter computes like any other op.
     */
    private static Step lower(Node n, boolean fallback) {
        if (n.op() instanceof FusedRegion f) {
            List<Step> inner = new ArrayList<>();
            for (Node b : f.body().nodes()) {
                inner.add(lower(b, fallback));
            }
            return in -> run(f.body(), inner, in);
        }
        if (n.op() instanceof ApproxTopK a && !fallback) {
            return approxTopK(a, n.inputs().get(0).type());
        }
        GraphBuilder b = new GraphBuilder();
        List<Value> params = new ArrayList<>();
        for (Value v : n.inputs()) {
            params.add(b.parameter(v.type()));
        }
        Executable one = Interpreter.of(b.build(b.add(n.op(), params)));
        return one::execute;
    }

    private static Step approxTopK(ApproxTopK op, TensorType operand) {
        int axis = op.params().axis(operand.rank());
        boolean half = operand.dtype().isHalf();
        return in -> {
            INDArray x = half ? HalfArrays.halfToFloat(in.get(0)) : in.get(0);
            List<INDArray> r = io.ann4j.compiler.spi.AlongAxis.apply(x, axis, rows -> TpuApproxTopK.run(op, operand, rows));
            return List.of(half ? HalfArrays.floatToHalf(r.get(0), operand.dtype()) : r.get(0), r.get(1));
        };
    }
}
