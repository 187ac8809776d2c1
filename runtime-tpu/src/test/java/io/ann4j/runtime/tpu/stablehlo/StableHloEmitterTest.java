package io.ann4j.runtime.tpu.stablehlo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.Dims;
import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.ir.GraphBuilder;
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
import io.ann4j.compiler.ops.GatherRows;
import io.ann4j.compiler.ops.Iota;
import io.ann4j.compiler.ops.Op;
import io.ann4j.compiler.ops.Reduce;
import io.ann4j.compiler.ops.Reshape;
import io.ann4j.compiler.ops.Slice;
import io.ann4j.compiler.ops.SortKeyVal;
import io.ann4j.compiler.ops.TopK;
import io.ann4j.compiler.ops.Transpose;
import io.ann4j.compiler.ops.UnaryOp;
import io.ann4j.compiler.passes.CompileOptions;
import io.ann4j.compiler.passes.Pipeline;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StableHloEmitterTest {
    /** The seed's MIPS program: approx_max_k(dot(qy, db.T), k=10, recall_target=0.95). */
    static Graph mips(boolean fuse) {
        return mips(200, 3000, fuse);
    }

    /** The same program over {@code q} queries of a database of {@code n} rows, d = 128. */
    static Graph mips(int q, int n, boolean fuse) {
        GraphBuilder b = new GraphBuilder();
        Value qy = b.parameter(TensorType.of(DType.F32, q, 128));
        Value db = b.parameter(TensorType.of(DType.F32, n, 128));
        Value dbT = b.add1(new Transpose(Dims.of(1, 0)), db);
        Value scores = b.add1(DotGeneral.dot(2), qy, dbT);
        List<Value> r = b.add(new ApproxTopK(new ApproxTopKParams(10, -1, 0.95f, true, -1, true)), List.of(scores));
        return Pipeline.optimize(b.build(r), CompileOptions.defaults().withFusion(fuse));
    }

    @Test
    void theSeedsMipsProgramMatchesTheHandCheckedModule() throws IOException {
        String expected;
        try (InputStream in = getClass().getResourceAsStream("/stablehlo/mips_tpu.mlir")) {
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(expected, StableHloEmitter.emit(mips(true), "mips", true));
        // Fusion does not change the module: regions are inlined, XLA fuses on its own.
        assertEquals(expected, StableHloEmitter.emit(mips(false), "mips", true));
    }

    @Test
    void otherPlatformsGetTheFallbackFlag() {
        String cpu = StableHloEmitter.emit(mips(true), "mips", false);
        assertTrue(cpu.contains("aggregate_to_topk = true, is_fallback = true, recall_target = 0.949999988 : f32"), cpu);
    }

    /** MIPS over a database of {@code dbType} with queries of {@code qyType}, as the DSL builds it. */
    static Graph halfMips(DType qyType, DType dbType) {
        GraphBuilder b = new GraphBuilder();
        Value qy = b.parameter(TensorType.of(qyType, 200, 128));
        Value db = b.parameter(TensorType.of(dbType, 3000, 128));
        Value scores = b.add1(DotGeneral.dot(2), qy, b.add1(new Transpose(Dims.of(1, 0)), db));
        List<Value> r = b.add(new ApproxTopK(new ApproxTopKParams(10, -1, 0.95f, true, -1, true)), List.of(scores));
        return Pipeline.optimize(b.build(r), CompileOptions.defaults());
    }

    @Test
    void f32QueriesAgainstABf16DatabaseConvertTheDatabaseAsJnpDotDoes() {
        String m = StableHloEmitter.emit(halfMips(DType.F32, DType.BF16), "mips", true);
        assertTrue(m.contains("%arg1: tensor<3000x128xbf16>"), m);
        assertTrue(m.contains("%0 = stablehlo.convert %arg1 : (tensor<3000x128xbf16>) -> tensor<3000x128xf32>"), m);
        assertTrue(m.contains("stablehlo.dot_general %arg0, %0, contracting_dims = [1] x [1], precision = [DEFAULT, DEFAULT] : "
                + "(tensor<200x128xf32>, tensor<3000x128xf32>) -> tensor<200x3000xf32>"), m);
        assertTrue(m.contains("@top_k_gt_f32_comparator"), m);
        assertEquals(List.of(), StableHloChecker.check(m));
    }

    @Test
    void aBf16ProgramKeepsBf16TypesThroughTheProductAndTheApproxTopKCall() {
        String m = StableHloEmitter.emit(halfMips(DType.BF16, DType.BF16), "mips", true);
        assertTrue(m.contains("stablehlo.dot_general %arg0, %arg1, contracting_dims = [1] x [1], precision = [DEFAULT, DEFAULT] : "
                + "(tensor<200x128xbf16>, tensor<3000x128xbf16>) -> tensor<200x3000xbf16>"), m);
        assertTrue(m.contains("func.func @top_k_gt_bf16_comparator(%arg0: tensor<bf16>, %arg1: tensor<bf16>"), m);
        assertTrue(m.contains("stablehlo.constant dense<0xFF80> : tensor<bf16>"), "bf16 -inf init value: " + m);
        assertTrue(m.contains("(tensor<200x3000xbf16>, tensor<200x3000xi32>, tensor<bf16>, tensor<i32>) -> "
                + "(tensor<200x10xbf16>, tensor<200x10xi32>)"), m);
        assertFalse(m.contains("stablehlo.convert"), m);
        assertEquals(List.of(), StableHloChecker.check(m));
        String f16 = StableHloEmitter.emit(halfMips(DType.F16, DType.F16), "mips", true);
        assertTrue(f16.contains("stablehlo.constant dense<0xFC00> : tensor<f16>"), f16);
        assertEquals(List.of(), StableHloChecker.check(f16));
    }

    @Test
    void bf16ConstantsRoundToNearestEvenAsJaxConvertsThem() {
        GraphBuilder b = new GraphBuilder();
        Value tie = b.add1(new Constant(1.0 + 0x1p-8, DType.BF16));        // halfway: to the even 1.0
        Value up = b.add1(new Constant(1.0 + 3 * 0x1p-8, DType.BF16));     // halfway: to the even 1 + 2^-6
        Value above = b.add1(new Constant(1.0 + 0x1p-8 + 0x1p-20, DType.BF16)); // above half: up
        String m = StableHloEmitter.emit(b.build(List.of(tie, up, above)), "c", true);
        assertTrue(m.contains("dense<1.0> : tensor<bf16>"), m);
        assertTrue(m.contains("dense<1.015625> : tensor<bf16>"), m);
        assertTrue(m.contains("dense<1.0078125> : tensor<bf16>"), m);
    }

    /** One graph per op, through the emitter and the structural checker. */
    static Map<String, Graph> everyOp() {
        TensorType m = TensorType.of(DType.F32, 4, 6);
        return Map.ofEntries(
                Map.entry("minK with override", one(new ApproxTopK(new ApproxTopKParams(2, 1, 0.9f, false, 12, false)), m)),
                Map.entry("topK", one(new TopK(3), m)),
                Map.entry("transpose", one(new Transpose(Dims.of(1, 0)), m)),
                Map.entry("reshape", one(new Reshape(Dims.of(24)), m)),
                Map.entry("broadcast", one(new BroadcastInDim(Dims.of(3, 4, 6), Dims.of(1, 2)), m)),
                Map.entry("concatenate", one(new Concatenate(1), m, m)),
                Map.entry("slice", one(new Slice(Dims.of(0, 1), Dims.of(4, 6), Dims.of(2, 2)), m)),
                Map.entry("binary", one(new BinaryOp(BinaryOp.Kind.DIV), m, m)),
                Map.entry("unary", one(new UnaryOp(UnaryOp.Kind.SQUARE), m)),
                Map.entry("reduce", one(new Reduce(Reduce.Kind.MAX, Dims.of(1)), m)),
                Map.entry("convert", one(new Convert(DType.BF16), m)),
                Map.entry("mixed-precision dot", one(DotGeneral.dot(2), m, TensorType.of(DType.BF16, 6, 3))),
                Map.entry("sort", one(new SortKeyVal(1), m, m.withDType(DType.I32))),
                Map.entry("gather", one(new GatherRows(0), m, TensorType.of(DType.I32, 2, 3))),
                Map.entry("gather batched", one(new GatherRows(1), TensorType.of(DType.F32, 2, 5, 3), TensorType.of(DType.I32, 2, 4))),
                Map.entry("batched dot", one(new DotGeneral(Dims.of(2), Dims.of(2), Dims.of(0), Dims.of(0)),
                        TensorType.of(DType.F32, 2, 3, 5), TensorType.of(DType.F32, 2, 4, 5))),
                Map.entry("scatter", one(new io.ann4j.compiler.ops.ScatterAddRows(0, 9), TensorType.of(DType.F32, 2, 3, 6),
                        TensorType.of(DType.I32, 2, 3))),
                Map.entry("scatter batched", one(new io.ann4j.compiler.ops.ScatterAddRows(1, 6), TensorType.of(DType.F32, 4, 2),
                        TensorType.of(DType.I32, 4, 2))),
                Map.entry("exp, log, sign", one(new UnaryOp(UnaryOp.Kind.EXP), m)),
                Map.entry("gradient of a search", searchGradient()),
                Map.entry("constant and iota", nullary()),
                Map.entry("fused L2", l2()));
    }

    /** The reverse sweep of MIPS, after the passes: a fused forward search, a gather and a row scatter. */
    static Graph searchGradient() {
        io.ann4j.compiler.ir.GraphBuilder b = new io.ann4j.compiler.ir.GraphBuilder();
        var qy = b.parameter(TensorType.of(DType.F32, 4, 8));
        var db = b.parameter(TensorType.of(DType.F32, 300, 8));
        var scores = b.add1(new DotGeneral(Dims.of(1), Dims.of(1), Dims.empty(), Dims.empty()), qy, db);
        var top = b.add(new ApproxTopK(ApproxTopKParams.defaults(3, true)), List.of(scores));
        var loss = b.add1(new Reduce(Reduce.Kind.SUM, Dims.of(0, 1)), top.get(0));
        Graph g = b.build(List.of(loss));
        Graph rev = io.ann4j.compiler.autodiff.Vjp.vjp(g, new boolean[] {true, true});
        return io.ann4j.compiler.passes.Pipeline.optimize(rev, io.ann4j.compiler.passes.CompileOptions.defaults());
    }

    @Test
    void theGradientOfASearchLowersToAGatherAndAScatter() {
        String module = StableHloEmitter.emit(searchGradient(), "grad", true);
        assertTrue(module.contains("\"stablehlo.gather\"") && module.contains("\"stablehlo.scatter\""), module);
        assertTrue(module.contains("@ApproxTopK"), module);
        assertEquals(List.of(), StableHloChecker.check(module), module);
    }

    @Test
    void everyEmittedModuleIsWellFormed() {
        for (Map.Entry<String, Graph> e : everyOp().entrySet()) {
            for (boolean tpu : new boolean[] {true, false}) {
                String module = StableHloEmitter.emit(e.getValue(), "t", tpu);
                assertEquals(List.of(), StableHloChecker.check(module), e.getKey() + ":\n" + module);
            }
        }
        assertEquals(List.of(), StableHloChecker.check(StableHloEmitter.emit(mips(true), "mips", true)));
    }

    @Test
    void theCheckerFindsBrokenModules() {
        String good = StableHloEmitter.emit(mips(true), "mips", true);
        String useBeforeDef = good.replace("stablehlo.dot_general %arg0, %arg1", "stablehlo.dot_general %arg0, %9");
        assertTrue(StableHloChecker.check(useBeforeDef).stream().anyMatch(p -> p.contains("%9 is used before")));
        String wrongReturn = good.replace("return %4#0, %4#1 : tensor<200x10xf32>, tensor<200x10xi32>",
                "return %4#0, %4#1 : tensor<200x10xf32>, tensor<200x10xf32>");
        assertTrue(StableHloChecker.check(wrongReturn).stream().anyMatch(p -> p.contains("declares")), wrongReturn);
        String wrongType = good.replace("(tensor<200x128xf32>, tensor<3000x128xf32>) -> tensor<200x3000xf32>",
                "(tensor<200x128xf32>, tensor<3000x64xf32>) -> tensor<200x3000xf32>");
        assertTrue(StableHloChecker.check(wrongType).stream().anyMatch(p -> p.contains("is used as")));
    }

    private static Graph one(Op op, TensorType... inputs) {
        GraphBuilder b = new GraphBuilder();
        Value[] params = new Value[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            params[i] = b.parameter(inputs[i]);
        }
        return b.build(b.add(op, List.of(params)));
    }

    private static Graph nullary() {
        GraphBuilder b = new GraphBuilder();
        Value c = b.add1(new Constant(Double.NEGATIVE_INFINITY, DType.F32));
        Value i = b.add1(new Iota(DType.I32, Dims.of(2, 3), 1));
        Value h = b.add1(new Constant(0.5, DType.BF16));
        return b.build(List.of(c, i, h));
    }

    private static Graph l2() {
        GraphBuilder b = new GraphBuilder();
        Value qy = b.parameter(TensorType.of(DType.F32, 8, 16));
        Value db = b.parameter(TensorType.of(DType.F32, 300, 16));
        Value half = b.parameter(TensorType.of(DType.F32, 300));
        Value s = b.add1(new DotGeneral(Dims.of(1), Dims.of(1), Dims.empty(), Dims.empty()), qy, db);
        Value hb = b.add1(new BroadcastInDim(Dims.of(8, 300), Dims.of(1)), half);
        Value d = b.add1(new BinaryOp(BinaryOp.Kind.SUB), hb, s);
        return Pipeline.optimize(b.build(b.add(new ApproxTopK(ApproxTopKParams.defaults(5, false)), List.of(d))),
                CompileOptions.defaults());
    }
}
