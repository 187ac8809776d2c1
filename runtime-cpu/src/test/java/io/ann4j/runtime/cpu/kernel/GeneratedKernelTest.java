package io.ann4j.runtime.cpu.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ann4j.compiler.ops.BinaryOp;
import io.ann4j.compiler.ops.UnaryOp;
import io.ann4j.runtime.cpu.select.RowBins;
import io.ann4j.runtime.cpu.select.RowTopK;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The generated SIMD kernels against their scalar twin, in one JVM (Lucene's differential pattern). */
class GeneratedKernelTest {
    static final List<Epilogue> EPILOGUES = List.of(
            new Epilogue.Score(),
            new Epilogue.Binary(BinaryOp.Kind.SUB, new Epilogue.ColumnVector(0), new Epilogue.Score()),
            new Epilogue.Binary(BinaryOp.Kind.MUL, new Epilogue.Binary(BinaryOp.Kind.ADD, new Epilogue.Score(),
                    new Epilogue.RowVector(0)), new Epilogue.Scalar(0)),
            new Epilogue.Unary(UnaryOp.Kind.SQRT, new Epilogue.Unary(UnaryOp.Kind.ABS,
                    new Epilogue.Binary(BinaryOp.Kind.MAX, new Epilogue.Unary(UnaryOp.Kind.SQUARE, new Epilogue.Score()),
                            new Epilogue.Unary(UnaryOp.Kind.NEG, new Epilogue.ColumnVector(0))))));

    static Stream<Arguments> cases() {
        return EPILOGUES.stream().flatMap(e -> Stream.of(true, false).flatMap(max ->
                Stream.of(new int[] {3, 1}, new int[] {5, 17}, new int[] {7, 255}, new int[] {2, 1000})
                        .map(shape -> Arguments.of(e, max, shape[0], shape[1]))));
    }

    @ParameterizedTest(name = "{0} max={1} {2}x{3}")
    @MethodSource("cases")
    void simdThresholdKernelEqualsScalarTwin(Epilogue e, boolean max, int rows, int cols) {
        Random rnd = new Random(rows * 31L + cols);
        float[] data = randomWithSpecials(rnd, rows * cols);
        SideInputs sides = sides(rnd, rows, cols);
        MemorySegment tile = MemorySegment.ofArray(data);
        int k = Math.min(10, cols);
        RowTopK simd = new RowTopK(rows, k);
        RowTopK scalar = new RowTopK(rows, k);
        Kernels.scanner(e, max).threshold(tile, cols, rows, cols, 0, 0, 0, sides, simd);
        new ScalarScanner(e, max, false).threshold(tile, cols, rows, cols, 0, 0, 0, sides, scalar);
        for (int r = 0; r < rows; r++) {
            assertEquals(scalar.count(r), simd.count(r), "row " + r);
            for (int i = 0; i < scalar.count(r); i++) {
                assertEquals(scalar.key(r, i), simd.key(r, i), "key " + i + " of row " + r);
                assertEquals(scalar.index(r, i), simd.index(r, i), "index " + i + " of row " + r);
            }
        }
    }

    /**
     * The vector loop filters lanes by a float compare against the threshold's value before the
     * exact key test. Values from a small set that straddles the compare's edge cases (signed
     * zeros, whose keys differ while they compare equal; NaN of both signs, which compare false;
     * infinities; subnormals) make ties at the threshold common, with thresholds on each of them.
     */
    @ParameterizedTest(name = "max={0} k={1}")
    @org.junit.jupiter.params.provider.CsvSource({"true,1", "true,3", "true,10", "false,1", "false,3", "false,10"})
    void thresholdFilterKeepsEveryLaneTheExactKeysWant(boolean max, int k) {
        float[] values = {0.0f, -0.0f, Float.NaN, Float.intBitsToFloat(0xffc00000), Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -Float.MIN_VALUE, 1.0f, -1.0f};
        Random rnd = new Random(k * 7L + (max ? 1 : 0));
        for (int trial = 0; trial < 50; trial++) {
            int rows = 1 + rnd.nextInt(4);
            int cols = 1 + rnd.nextInt(300);
            // per trial a subset of the values, so that some thresholds sit on a zero or a NaN
            float[] pool = new float[1 + rnd.nextInt(values.length)];
            for (int i = 0; i < pool.length; i++) {
                pool[i] = values[rnd.nextInt(values.length)];
            }
            float[] data = new float[rows * cols];
            for (int i = 0; i < data.length; i++) {
                data[i] = pool[rnd.nextInt(pool.length)];
            }
            MemorySegment tile = MemorySegment.ofArray(data);
            RowTopK simd = new RowTopK(rows, k);
            RowTopK scalar = new RowTopK(rows, k);
            Kernels.scanner(new Epilogue.Score(), max).threshold(tile, cols, rows, cols, 0, 0, 0, SideInputs.NONE, simd);
            new ScalarScanner(new Epilogue.Score(), max, false).threshold(tile, cols, rows, cols, 0, 0, 0,
                    SideInputs.NONE, scalar);
            for (int r = 0; r < rows; r++) {
                assertEquals(scalar.count(r), simd.count(r), "trial " + trial + " row " + r);
                for (int i = 0; i < scalar.count(r); i++) {
                    assertEquals(scalar.key(r, i), simd.key(r, i), "trial " + trial + " key " + i + " of row " + r);
                    assertEquals(scalar.index(r, i), simd.index(r, i), "trial " + trial + " index " + i + " of row " + r);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} max={1} {2}x{3}")
    @MethodSource("cases")
    void simdBinsKernelEqualsScalarTwin(Epilogue e, boolean max, int rows, int cols) {
        Random rnd = new Random(rows * 17L + cols);
        float[] data = randomWithSpecials(rnd, rows * cols);
        SideInputs sides = sides(rnd, rows, cols);
        MemorySegment tile = MemorySegment.ofArray(data);
        RowBins simd = new RowBins(rows, 128);
        RowBins scalar = new RowBins(rows, 128);
        Kernels.scanner(e, max).bins(tile, cols, rows, cols, 0, 0, 0, sides, simd);
        new ScalarScanner(e, max, false).bins(tile, cols, rows, cols, 0, 0, 0, sides, scalar);
        assertArrayEquals(scalar.keys(), simd.keys());
        assertArrayEquals(scalar.indices(), simd.indices());
    }

    @org.junit.jupiter.api.Test
    void generatedSourceIsPlainAndSmall() {
        String src = Kernels.source(EPILOGUES.get(1), true);
        assertTrue(src.contains("FloatVector.fromMemorySegment"), src);
        assertTrue(src.lines().count() < 200, "kernel source should stay small: " + src.lines().count() + " lines");
    }

    private static SideInputs sides(Random rnd, int rows, int cols) {
        float[] col = new float[cols];
        float[] row = new float[rows];
        for (int i = 0; i < cols; i++) {
            col[i] = (float) rnd.nextGaussian();
        }
        for (int i = 0; i < rows; i++) {
            row[i] = (float) rnd.nextGaussian();
        }
        return new SideInputs(new float[][] {col}, new float[][] {row}, new float[] {0.5f},
                new double[0][], new double[0][], new double[0]);
    }

    /** Gaussian values with NaN, infinities, signed zeros and ties mixed in. */
    static float[] randomWithSpecials(Random rnd, int n) {
        float[] special = {Float.NaN, -Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0.0f, -0.0f, 1.0f, 1.0f};
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextInt(20) == 0 ? special[rnd.nextInt(special.length)] : (float) rnd.nextGaussian();
        }
        return v;
    }
}
