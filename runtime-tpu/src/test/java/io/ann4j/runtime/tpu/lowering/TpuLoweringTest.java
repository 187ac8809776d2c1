package io.ann4j.runtime.tpu.lowering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.Dims;
import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.ir.GraphBuilder;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.ir.Value;
import io.ann4j.compiler.ops.ApproxTopK;
import io.ann4j.compiler.ops.ApproxTopKParams;
import io.ann4j.compiler.ops.DotGeneral;
import io.ann4j.compiler.passes.CompileOptions;
import io.ann4j.compiler.passes.Pipeline;
import io.ann4j.runtime.cpu.CpuBackend;
import io.ann4j.runtime.tpu.TpuBackend;
import io.ann4j.runtime.tpu.stablehlo.StableHloEmitter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The tpu backend's lowering option: the golden bucketed module, the backend end to end, the option's errors. */
class TpuLoweringTest {
    @Test
    void theBucketedModuleMatchesTheHandCheckedOne() throws IOException {
        Graph g = BucketedTopKTest.program(4, 1000, 10, 0.95f, true, false, true);
        String expected;
        try (InputStream in = getClass().getResourceAsStream("/stablehlo/bucketed_4x1000_k10_r095.mlir")) {
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        // 100 buckets of 10 (k' = 1 reaches 0.956): reshape, transpose, top_k per bucket, indices
        // mapped back (i * 100 + b), the final top_k, and the gather of its positions
        assertEquals(expected, StableHloEmitter.emitChecked(BucketedTopK.rewrite(g, 0), "bucketed", false));
    }

    @Test
    void theBackendRunsTheBucketedLoweringWhenAskedAndMeetsTheTarget() {
        GraphBuilder b = new GraphBuilder();
        Value qy = b.parameter(TensorType.of(DType.F32, 100, 64));
        Value db = b.parameter(TensorType.of(DType.F32, 6000, 64));
        Value s = b.add1(new DotGeneral(Dims.of(1), Dims.of(1), Dims.empty(), Dims.empty()), qy, db);
        Graph g = Pipeline.optimize(b.build(b.add(new ApproxTopK(ApproxTopKParams.defaults(10, true)), List.of(s))),
                CompileOptions.defaults());
        Nd4j.getRandom().setSeed(9);
        List<INDArray> in = List.of(Nd4j.randn(DataType.FLOAT, 100, 64), Nd4j.randn(DataType.FLOAT, 6000, 64));
        CompileOptions bucketed = CompileOptions.defaults().with(TpuLowering.OPTION, "bucketed");
        List<INDArray> out = new TpuBackend().compile(g, bucketed).execute(in);
        int[][] exact = new CpuBackend().compile(g, CompileOptions.defaults().with("cpu.selection", "threshold"))
                .execute(in).get(1).toIntMatrix();
        INDArray scores = in.get(0).mmul(in.get(1).transpose());
        long hits = 0;
        for (int r = 0; r < 100; r++) {
            Set<Integer> truth = new HashSet<>();
            for (int j : exact[r]) {
                truth.add(j);
            }
            for (int i = 0; i < 10; i++) {
                int j = out.get(1).getInt(r, i);
                hits += truth.contains(j) ? 1 : 0;
                assertEquals(scores.getFloat(r, j), out.get(0).getFloat(r, i), 1e-4f, "the value at index " + j);
            }
        }
        double recall = hits / 1000.0;
        assertTrue(recall >= 0.93 && recall < 1.0, "recall " + recall + " (target 0.95; 6000 columns in buckets)");
        // fallback: XLA's exact top-k
        int[][] fallback = new TpuBackend().compile(g, CompileOptions.defaults().with(TpuLowering.OPTION, "fallback"))
                .execute(in).get(1).toIntMatrix();
        assertEquals(java.util.Arrays.deepToString(exact), java.util.Arrays.deepToString(fallback));
    }

    @Test
    void theOptionsChooseTheLoweringAndRefuseWhatTheyDoNotKnow() {
        CompileOptions none = CompileOptions.defaults();
        assertEquals(TpuLowering.TPU, TpuLowering.of(none, true));
        assertEquals(TpuLowering.BUCKETED, TpuLowering.of(none, false));
        assertEquals(TpuLowering.FALLBACK, TpuLowering.of(none.with(TpuLowering.OPTION, "fallback"), true));
        assertEquals(0, TpuLowering.bucketK(none));
        assertEquals(4, TpuLowering.bucketK(none.with(TpuLowering.BUCKET_K, "4")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TpuLowering.of(new CompileOptions(true, Map.of(TpuLowering.OPTION, "gpu")), false));
        assertTrue(e.getMessage().contains("tpu.lowering") && e.getMessage().contains("'gpu'"), e.getMessage());
        IllegalArgumentException k = assertThrows(IllegalArgumentException.class,
                () -> TpuLowering.bucketK(none.with(TpuLowering.BUCKET_K, "0")));
        assertTrue(k.getMessage().contains("tpu.bucketK"), k.getMessage());
        assertFalse(new TpuBackend().options().isEmpty());
    }
}
