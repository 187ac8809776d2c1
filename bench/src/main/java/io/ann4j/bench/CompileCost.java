package io.ann4j.bench;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.dsl.TopK;
import java.util.List;
import io.ann4j.dsl.Jitted;
import io.ann4j.runtime.cpu.kernel.Kernels;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Run in a fresh JVM by the bench: the time of the first call of a jitted search (trace,
 * generate, compile or load from the persistent cache, run), with ND4J already loaded (making
 * the inputs loads it). Prints one line: {@code compile_ms first_call_ms compiles disk_hits}, where
 * compile is the trace, the passes and the kernel (generated and compiled, or loaded), and the
 * first call adds its run on a JVM that has not warmed up yet.
 */
public final class CompileCost {
    private CompileCost() {}

    public static void main(String[] args) {
        INDArray db = Nd4j.rand(DataType.FLOAT, 10_000, 128);
        INDArray qy = Nd4j.rand(DataType.FLOAT, 16, 128);
        Jitted<TopK> mips = Programs.approx("ip", 10, 0.95, "threshold");
        long t0 = System.nanoTime();
        mips.optimizedGraph(List.of(TensorType.of(DType.F32, 16, 128), TensorType.of(DType.F32, 10_000, 128)));
        double compile = (System.nanoTime() - t0) / 1e6;
        mips.call(qy, db);
        double first = (System.nanoTime() - t0) / 1e6;
        System.out.printf(Locale.ROOT, "%.1f %.1f %d %d%n", compile, first, Kernels.cache().compiles(),
                Kernels.cache().diskHits());
    }
}
