package io.ann4j.runtime.tpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.Dims;
import io.ann4j.compiler.ir.GraphBuilder;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.ir.Value;
import io.ann4j.compiler.ops.ApproxTopK;
import io.ann4j.compiler.ops.ApproxTopKParams;
import io.ann4j.compiler.ops.DotGeneral;
import io.ann4j.compiler.passes.CompileOptions;
import io.ann4j.compiler.passes.Pipeline;
import io.ann4j.compiler.spi.Backends;
import io.ann4j.runtime.cpu.CpuBackend;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TpuBackendTest {
    @Test
    void isFoundByNameAndRanksBelowTheCpu() {
        assertEquals(List.of("cpu", "tpu"), Backends.available());
        assertEquals("tpu", Backends.get("tpu").name());
    }

    @Test
    void theSeedsMipsProgramMeetsItsTargetInTheEmulator() {
        GraphBuilder b = new GraphBuilder();
        Value qy = b.parameter(TensorType.of(DType.F32, 200, 128));
        Value db = b.parameter(TensorType.of(DType.F32, 3000, 128));
        Value s = b.add1(new DotGeneral(Dims.of(1), Dims.of(1), Dims.empty(), Dims.empty()), qy, db);
        var g = Pipeline.optimize(b.build(b.add(new ApproxTopK(ApproxTopKParams.defaults(10, true)), List.of(s))),
                CompileOptions.defaults());
        Nd4j.getRandom().setSeed(5);
        List<INDArray> in = List.of(Nd4j.randn(DataType.FLOAT, 200, 128), Nd4j.randn(DataType.FLOAT, 3000, 128));
        int[][] tpu = new TpuBackend().compile(g, CompileOptions.defaults()).execute(in).get(1).toIntMatrix();
        int[][] exact = new CpuBackend().compile(g, CompileOptions.defaults()).execute(in).get(1).toIntMatrix();
        long hits = 0;
        for (int r = 0; r < 200; r++) {
            Set<Integer> truth = new HashSet<>();
            for (int j : exact[r]) {
                truth.add(j);
            }
            for (int j : tpu[r]) {
                hits += truth.contains(j) ? 1 : 0;
            }
        }
        double recall = hits / 2000.0;
        assertTrue(recall >= 0.95 * 0.9, "recall " + recall);
        assertTrue(recall < 1.0, "3000 columns make 256 bins: the emulator must really bin");
        assertArrayEquals(new long[] {200, 10}, new TpuBackend().compile(g, CompileOptions.defaults()).execute(in).get(0).shape());
    }
}
