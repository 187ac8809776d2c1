package io.ann4j.bench.jmh;

import io.ann4j.runtime.cpu.kernel.Epilogue;
import io.ann4j.runtime.cpu.kernel.Kernels;
import io.ann4j.runtime.cpu.kernel.ScalarScanner;
import io.ann4j.runtime.cpu.kernel.SideInputs;
import io.ann4j.runtime.cpu.kernel.TileScanner;
import io.ann4j.runtime.cpu.select.RowTopK;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The selection's scan of one tile of scores (the search's default tile, 512 x 1024) in steady
 * state, when a row's k-th best is already high and almost no score is offered: the generated
 * Vector API kernel against its scalar twin, in ns per score ({@code bench/run --jmh
 * ScanKernelBenchmark}). At Q=1024, N=100,000 a search scans 10^8 scores, so 0.07 ns per score
 * is ~7 ms of one core.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ScanKernelBenchmark {
    private static final int ROWS = 512;
    private static final int COLS = 1024;

    @Param({"generated", "scalar"})
    public String kernel;

    private Arena arena;
    private MemorySegment tile;
    private TileScanner scanner;
    private RowTopK state;
    private int col0;

    @Setup(Level.Trial)
    public void setup() {
        arena = Arena.ofShared();
        tile = arena.allocate((long) ROWS * COLS * 4, 64);
        Random rnd = new Random(1);
        for (long i = 0; i < (long) ROWS * COLS; i++) {
            tile.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (rnd.nextGaussian() * 11)); // scores of D=128 normals
        }
        Epilogue score = new Epilogue.Score();
        scanner = kernel.equals("generated") ? Kernels.scanner(score, true) : new ScalarScanner(score, true, false);
        state = new RowTopK(ROWS, 10);
        // 100 tiles first: each row's threshold is then where a search's is after 100,000 columns
        for (int i = 0; i < 100; i++) {
            scan();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    /** One tile; the score is per element ({@code OperationsPerInvocation}). */
    @Benchmark
    @OperationsPerInvocation(ROWS * COLS)
    public RowTopK scanOneTile() {
        scan();
        return state;
    }

    private void scan() {
        // a new column offset each time, as the tiles of a search come in order
        scanner.threshold(tile, COLS, ROWS, COLS, 0, 0, col0, SideInputs.NONE, state);
        col0 += COLS;
    }
}
