package io.ann4j.bench.jmh;

import static io.ann4j.dsl.Ops.approxMaxK;
import static io.ann4j.dsl.Ops.dot;
import static io.ann4j.dsl.Ops.transpose;

import io.ann4j.dsl.Jit;
import io.ann4j.dsl.JitConfig;
import io.ann4j.dsl.Jitted;
import io.ann4j.dsl.Tensor;
import io.ann4j.dsl.TopK;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH view of the fused search: the two selection algorithms side by side at the same shape
 * ({@code bench/run --jmh FusedSearchBenchmark}). The side-by-side command with the BLAS
 * baselines is {@code bench/run}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class FusedSearchBenchmark {
    @Param({"1024"})
    public int q;

    @Param({"100000"})
    public int n;

    @Param({"threshold", "bins"})
    public String selection;

    private INDArray qy;
    private INDArray db;
    private Jitted<TopK> mips;

    @Setup
    public void setup() {
        Nd4j.getRandom().setSeed(1);
        db = Nd4j.randn(DataType.FLOAT, n, 128);
        qy = Nd4j.randn(DataType.FLOAT, q, 128);
        mips = Jit.jit((Tensor a, Tensor b) -> approxMaxK(dot(a, transpose(b)), 10, 0.95),
                JitConfig.defaults().option("cpu.selection", selection));
        mips.call(qy, db);
    }

    @Benchmark
    public TopK search() {
        return mips.call(qy, db);
    }
}
