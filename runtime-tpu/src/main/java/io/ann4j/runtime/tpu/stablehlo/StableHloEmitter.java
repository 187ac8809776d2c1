package io.ann4j.runtime.tpu.stablehlo;

import static io.ann4j.runtime.tpu.stablehlo.StableHloTypes.f32Attribute;
import static io.ann4j.runtime.tpu.stablehlo.StableHloTypes.list;
import static io.ann4j.runtime.tpu.stablehlo.StableHloTypes.literal;
import static io.ann4j.runtime.tpu.stablehlo.StableHloTypes.scalar;
import static io.ann4j.runtime.tpu.stablehlo.StableHloTypes.tensor;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.ir.Node;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.ir.Value;
import io.ann4j.compiler.ops.ApproxTopK;
import io.ann4j.compiler.ops.ApproxTopKParams;
import io.ann4j.compiler.ops.BinaryOp;
import io.ann4j.compiler.ops.BroadcastInDim;
import io.ann4j.compiler.ops.Concatenate;
import io.ann4j.compiler.ops.Constant;
import io.ann4j.compiler.ops.Convert;
import io.ann4j.compiler.ops.DotGeneral;
import io.ann4j.compiler.ops.FusedRegion;
import io.ann4j.compiler.ops.GatherRows;
import io.ann4j.compiler.ops.Iota;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Lowers a graph to a StableHLO module (MLIR text) as JAX lowers the same program: {@code dot} to
 * {@code stablehlo.dot_general}, the approximate reduction to {@code stablehlo.custom_call
 * @ApproxTopK} with JAX's comparator function, operands (operand, iota, init value, init index)
 * and {@code mhlo.backend_config} (plus {@code is_fallback = true} for platforms other than the
 * TPU). Fused regions are inlined: fusion is XLA's business there.
 */
public final class StableHloEmitter {
    private final boolean tpu;
    private final Map<Value, String> names = new HashMap<>();
    private final Map<String, String> comparators = new LinkedHashMap<>();
    private final List<String> body = new ArrayList<>();
    private int counter;

    private StableHloEmitter(boolean tpu) {
        this.tpu = tpu;
    }

    /**
     * The module for {@code graph}.
     *
     * @param name the module's name ({@code jit_<name>} as JAX writes it)
     * @param tpu  the TPU lowering; false adds {@code is_fallback = true} (CPU/GPU)
     */
    public static String emit(Graph graph, String name, boolean tpu) {
        return new StableHloEmitter(tpu).module(graph, name);
    }

    /**
     * {@link #emit}, then {@link StableHloChecker#check}: a module the checker faults is a bug in
     * ann4j, reported with the module rather than handed to a plugin.
     */
    public static String emitChecked(Graph graph, String name, boolean tpu) {
        String module = emit(graph, name, tpu);
        List<String> problems = StableHloChecker.check(module);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("ann4j emitted a malformed StableHLO module (a bug): " + problems + "\n" + module);
        }
        return module;
    }

    private String module(Graph g, String name) {
        StringBuilder sig = new StringBuilder();
        for (int i = 0; i < g.parameters().size(); i++) {
            Value p = g.parameters().get(i);
            names.put(p, "%arg" + i);
            sig.append(i > 0 ? ", " : "").append("%arg").append(i).append(": ").append(tensor(p.type()));
        }
        emitNodes(g.nodes());
        String results = g.results().stream().map(v -> tensor(v.type())).collect(Collectors.joining(", "));
        StringBuilder m = new StringBuilder();
        m.append("module @jit_").append(name).append(" attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {\n");
        comparators.values().forEach(m::append);
        m.append("  func.func public @main(").append(sig).append(") -> (").append(results).append(") {\n");
        body.forEach(line -> m.append("    ").append(line).append('\n'));
        m.append("    return ").append(g.results().stream().map(names::get).collect(Collectors.joining(", ")))
                .append(" : ").append(results).append('\n');
        m.append("  }\n}\n");
        return m.toString();
    }

    private void emitNodes(List<Node> nodes) {
        for (Node n : nodes) {
            if (n.op() instanceof FusedRegion f) {
                inline(f.body(), n);
            } else {
                emit(n);
            }
        }
    }

    /** A fused region's body, its parameters bound to the region's inputs. */
    private void inline(Graph body, Node region) {
        for (int i = 0; i < body.parameters().size(); i++) {
            names.put(body.parameters().get(i), names.get(region.inputs().get(i)));
        }
        emitNodes(body.nodes());
        for (int i = 0; i < region.outputs().size(); i++) {
            names.put(region.outputs().get(i), names.get(body.results().get(i)));
        }
    }

    /** Operand {@code i} of a product, converted to the product's dtype if it differs. */
    private String promoted(Node n, int i) {
        var t = n.inputs().get(i).type();
        var to = n.output().type().dtype();
        if (t.dtype() == to) {
            return in(n, i);
        }
        String v = "%" + counter++;
        body.add(v + " = stablehlo.convert " + in(n, i) + " : (" + tensor(t) + ") -> " + tensor(t.withDType(to)));
        return v;
    }

    private String in(Node n, int i) {
        return names.get(n.inputs().get(i));
    }

    private String inType(Node n, int i) {
        return tensor(n.inputs().get(i).type());
    }

    private String outType(Node n) {
        return tensor(n.outputs().get(0).type());
    }

    /** Defines the node's single output as {@code %k = rhs}. */
    private void define(Node n, String rhs) {
        String v = "%" + counter++;
        body.add(v + " = " + rhs);
        names.put(n.outputs().get(0), v);
    }

    private String constant(String literal, String type) {
        String v = "%" + counter++;
        body.add(v + " = stablehlo.constant dense<" + literal + "> : " + type);
        return v;
    }

    private void emit(Node n) {
        switch (n.op()) {
            case Constant c -> names.put(n.output(), constant(literal(c.value(), c.dtype()), scalar(c.dtype())));
            case Iota i -> define(n, "stablehlo.iota dim = " + i.dimension() + " : " + outType(n));
            case DotGeneral d -> {
                // Mixed dtypes (f32 queries, bf16 database): the narrower operand converted first,
                // as jnp.dot lowers it; equal half dtypes stay half, the product's type theirs.
                String lhs = promoted(n, 0);
                String rhs = promoted(n, 1);
                define(n, "stablehlo.dot_general " + lhs + ", " + rhs
                        + (d.lhsBatch().size() > 0 ? ", batching_dims = " + list(d.lhsBatch()) + " x " + list(d.rhsBatch()) : "")
                        + ", contracting_dims = " + list(d.lhsContracting()) + " x " + list(d.rhsContracting())
                        + ", precision = [DEFAULT, DEFAULT] : (" + tensor(n.inputs().get(0).type().withDType(n.output().type().dtype())) + ", "
                        + tensor(n.inputs().get(1).type().withDType(n.output().type().dtype())) + ") -> " + outType(n));
            }
            case Transpose t -> define(n, "stablehlo.transpose " + in(n, 0) + ", dims = " + list(t.permutation())
                    + " : (" + inType(n, 0) + ") -> " + outType(n));
            case Reshape r -> define(n, "stablehlo.reshape " + in(n, 0) + " : (" + inType(n, 0) + ") -> " + outType(n));
            case BroadcastInDim b -> define(n, "stablehlo.broadcast_in_dim " + in(n, 0) + ", dims = "
                    + list(b.broadcastDimensions()) + " : (" + inType(n, 0) + ") -> " + outType(n));
            case Concatenate c -> define(n, "stablehlo.concatenate "
                    + n.inputs().stream().map(names::get).collect(Collectors.joining(", ")) + ", dim = " + c.dimension()
                    + " : (" + n.inputs().stream().map(v -> tensor(v.type())).collect(Collectors.joining(", ")) + ") -> "
                    + outType(n));
            case Slice s -> {
                StringBuilder ranges = new StringBuilder("[");
                for (int a = 0; a < s.start().size(); a++) {
                    ranges.append(a > 0 ? ", " : "").append(s.start().get(a)).append(':').append(s.limit().get(a));
                    if (s.strides().get(a) != 1) {
                        ranges.append(':').append(s.strides().get(a));
                    }
                }
                define(n, "stablehlo.slice " + in(n, 0) + " " + ranges + "] : (" + inType(n, 0) + ") -> " + outType(n));
            }
            case BinaryOp b -> define(n, "stablehlo." + binary(b.kind()) + " " + in(n, 0) + ", " + in(n, 1) + " : " + outType(n));
            case UnaryOp u -> define(n, switch (u.kind()) {
                case NEG -> "stablehlo.negate " + in(n, 0) + " : " + outType(n);
                case SQRT -> "stablehlo.sqrt " + in(n, 0) + " : " + outType(n);
                case ABS -> "stablehlo.abs " + in(n, 0) + " : " + outType(n);
                case SQUARE -> "stablehlo.multiply " + in(n, 0) + ", " + in(n, 0) + " : " + outType(n);
                case EXP -> "stablehlo.exponential " + in(n, 0) + " : " + outType(n);
                case LOG -> "stablehlo.log " + in(n, 0) + " : " + outType(n);
                case SIGN -> "stablehlo.sign " + in(n, 0) + " : " + outType(n);
            });
            case Reduce r -> {
                DType t = n.inputs().get(0).type().dtype();
                String init = constant(r.kind() == Reduce.Kind.SUM ? literal(0, t) : literal(Double.NEGATIVE_INFINITY, t), scalar(t));
                define(n, "stablehlo.reduce(" + in(n, 0) + " init: " + init + ") applies stablehlo."
                        + (r.kind() == Reduce.Kind.SUM ? "add" : "maximum") + " across dimensions = " + list(r.axes())
                        + " : (" + inType(n, 0) + ", " + scalar(t) + ") -> " + outType(n));
            }
            case Convert c -> define(n, "stablehlo.convert " + in(n, 0) + " : (" + inType(n, 0) + ") -> " + outType(n));
            case ApproxTopK a -> approxTopK(n, a.params());
            case TopK t -> pair(n, "chlo.top_k(" + in(n, 0) + ", k = " + t.k() + ") : " + inType(n, 0) + " -> ("
                    + outType(n) + ", " + tensor(n.outputs().get(1).type()) + ")");
            case SortKeyVal s -> sort(n, s.dimension());
            case GatherRows g -> gather(n, g.batchDims());
            case CustomDerivative c -> throw new IllegalStateException("the compiler inlines " + c.name() + " before lowering");
            case ScatterAddRows s -> scatterAdd(n, s.batchDims());
            case FusedRegion f -> inline(f.body(), n);
        }
    }

    private static String binary(BinaryOp.Kind k) {
        return switch (k) {
            case ADD -> "add";
            case SUB -> "subtract";
            case MUL -> "multiply";
            case DIV -> "divide";
            case MAX -> "maximum";
            case MIN -> "minimum";
        };
    }

    /** A two-result op: {@code %k:2 = rhs}, results {@code %k#0} and {@code %k#1}. */
    private void pair(Node n, String rhs) {
        String v = "%" + counter++;
        body.add(v + ":2 = " + rhs);
        names.put(n.outputs().get(0), v + "#0");
        names.put(n.outputs().get(1), v + "#1");
    }

    /** As JAX's {@code _approx_top_k_lowering}: comparator, iota, init value and index, custom call. */
    private void approxTopK(Node n, ApproxTopKParams p) {
        TensorType operand = n.inputs().get(0).type();
        String element = StableHloTypes.element(operand.dtype());
        String direction = p.isMaxK() ? "gt" : "lt";
        String comparator = "top_k_" + direction + "_" + element + "_comparator";
        comparators.computeIfAbsent(comparator, c -> "  func.func @" + c + "(%arg0: " + scalar(operand.dtype())
                + ", %arg1: " + scalar(operand.dtype()) + ", %arg2: tensor<i32>, %arg3: tensor<i32>) -> tensor<i1> {\n"
                + "    %0 = stablehlo.compare " + (p.isMaxK() ? "GT" : "LT") + ", %arg0, %arg1 : (" + scalar(operand.dtype())
                + ", " + scalar(operand.dtype()) + ") -> tensor<i1>\n    stablehlo.return %0 : tensor<i1>\n  }\n");
        int axis = p.axis(operand.rank());
        String iotaType = tensor(operand.withDType(DType.I32));
        String iota = "%" + counter++;
        body.add(iota + " = stablehlo.iota dim = " + axis + " : " + iotaType);
        String initIndex = constant("-1", "tensor<i32>");
        String initValue = constant(literal(p.isMaxK() ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY,
                operand.dtype()), scalar(operand.dtype()));
        String config = "aggregate_to_topk = " + p.aggregateToTopk() + (tpu ? "" : ", is_fallback = true")
                + ", recall_target = " + f32Attribute(p.recallTarget()) + " : f32, reduction_dim = " + axis
                + " : i64, reduction_input_size_override = " + p.reductionInputSizeOverride() + " : i64, top_k = " + p.k()
                + " : i64";
        pair(n, "stablehlo.custom_call @ApproxTopK(" + in(n, 0) + ", " + iota + ", " + initValue + ", " + initIndex
                + ") {backend_config = \"\", called_computations = [@" + comparator + "], mhlo.backend_config = {" + config + "}} : ("
                + tensor(operand) + ", " + iotaType + ", " + scalar(operand.dtype()) + ", tensor<i32>) -> ("
                + outType(n) + ", " + tensor(n.outputs().get(1).type()) + ")");
    }

    /** {@code sort_key_val}: a stable sort whose comparator is a total-order LT on the keys. */
    private void sort(Node n, int dimension) {
        TensorType keys = n.inputs().get(0).type();
        TensorType vals = n.inputs().get(1).type();
        String k = scalar(keys.dtype());
        String v = scalar(vals.dtype());
        String order = keys.dtype().isFloating() ? ", TOTALORDER" : "";
        String r = "%" + counter++;
        body.add(r + ":2 = \"stablehlo.sort\"(" + in(n, 0) + ", " + in(n, 1) + ") ({");
        body.add("^bb0(%lhs: " + k + ", %rhs: " + k + ", %lhsv: " + v + ", %rhsv: " + v + "):");
        body.add("  %lt = stablehlo.compare LT, %lhs, %rhs" + order + " : (" + k + ", " + k + ") -> tensor<i1>");
        body.add("  stablehlo.return %lt : tensor<i1>");
        body.add("}) {dimension = " + dimension + " : i64, is_stable = true} : (" + tensor(keys) + ", " + tensor(vals)
                + ") -> (" + tensor(keys) + ", " + tensor(vals) + ")");
        names.put(n.outputs().get(0), r + "#0");
        names.put(n.outputs().get(1), r + "#1");
    }

    /** {@code gatherRows} as a {@code stablehlo.gather} of whole rows. */
    private void gather(Node n, int batchDims) {
        TensorType operand = n.inputs().get(0).type();
        TensorType indices = n.inputs().get(1).type();
        int rowRank = operand.rank() - batchDims - 1;
        int indexRank = indices.rank();
        StringBuilder offsetDims = new StringBuilder("[");
        for (int i = 0; i < rowRank; i++) {
            offsetDims.append(i > 0 ? ", " : "").append(indexRank + i);
        }
        offsetDims.append(']');
        StringBuilder sliceSizes = new StringBuilder();
        for (int a = 0; a < operand.rank(); a++) {
            sliceSizes.append(a > 0 ? ", " : "").append(a <= batchDims ? 1 : operand.dim(a));
        }
        StringBuilder batch = new StringBuilder();
        if (batchDims > 0) {
            String dims = java.util.stream.IntStream.range(0, batchDims).mapToObj(Integer::toString)
                    .collect(Collectors.joining(", "));
            batch.append(", operand_batching_dims = [").append(dims).append("], start_indices_batching_dims = [")
                    .append(dims).append(']');
        }
        define(n, "\"stablehlo.gather\"(" + in(n, 0) + ", " + in(n, 1) + ") {dimension_numbers = #stablehlo.gather<offset_dims = "
                + offsetDims + ", collapsed_slice_dims = [" + batchDims + "]" + batch + ", start_index_map = [" + batchDims
                + "], index_vector_dim = " + indexRank + ">, indices_are_sorted = false, slice_sizes = array<i64: " + sliceSizes
                + ">} : (" + tensor(operand) + ", " + tensor(indices) + ") -> " + outType(n));
    }

    /** {@code scatterAddRows} as a {@code stablehlo.scatter} of whole rows into zeros, combined by add. */
    private void scatterAdd(Node n, int batchDims) {
        TensorType updates = n.inputs().get(0).type();
        TensorType indices = n.inputs().get(1).type();
        TensorType out = n.output().type();
        int indexRank = indices.rank();
        String windowDims = java.util.stream.IntStream.range(indexRank, updates.rank()).mapToObj(Integer::toString)
                .collect(Collectors.joining(", "));
        String batch = "";
        if (batchDims > 0) {
            String dims = java.util.stream.IntStream.range(0, batchDims).mapToObj(Integer::toString).collect(Collectors.joining(", "));
            batch = ", input_batching_dims = [" + dims + "], scatter_indices_batching_dims = [" + dims + "]";
        }
        String zeros = constant(literal(0, out.dtype()), tensor(out));
        String e = scalar(out.dtype());
        String r = "%" + counter++;
        body.add(r + " = \"stablehlo.scatter\"(" + zeros + ", " + in(n, 1) + ", " + in(n, 0) + ") ({");
        body.add("^bb0(%acc: " + e + ", %upd: " + e + "):");
        body.add("  %sum = stablehlo.add %acc, %upd : " + e);
        body.add("  stablehlo.return %sum : " + e);
        body.add("}) {indices_are_sorted = false, scatter_dimension_numbers = #stablehlo.scatter<update_window_dims = ["
                + windowDims + "], inserted_window_dims = [" + batchDims + "]" + batch + ", scatter_dims_to_operand_dims = ["
                + batchDims + "], index_vector_dim = " + indexRank + ">, unique_indices = false} : (" + tensor(out) + ", "
                + tensor(indices) + ", " + tensor(updates) + ") -> " + tensor(out));
        names.put(n.output(), r);
    }
}
