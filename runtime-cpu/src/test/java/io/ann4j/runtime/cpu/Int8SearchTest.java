package io.ann4j.runtime.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ann4j.compiler.passes.CompileOptions;
import io.ann4j.runtime.cpu.search.Int8Candidates;
import io.ann4j.runtime.cpu.search.Int8Products;
import io.ann4j.runtime.cpu.search.OneDnn;
import io.ann4j.runtime.cpu.search.SearchOptions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The int8 search (forced with {@code cpu.product=int8}) against the exact f32 search: with every
 * row a candidate it is the f32 search, bit for bit; its values are always the f32 search's
 * scores at its indices; its recall meets the target; tile edges and depths no vector width
 * divides; NaN, infinite, all-zero and huge rows and queries.
 */
class Int8SearchTest {
    @BeforeEach
    void needsOneDnn() {
        Assumptions.assumeTrue(OneDnn.available(), "oneDNN did not load: " + OneDnn.unavailableReason());
    }

    @Property(tries = 25)
    void withEveryRowACandidateTheInt8SearchIsTheF32Search(@ForAll @IntRange(min = 1, max = 40) int q,
            @ForAll @IntRange(min = 1, max = 2500) int n, @ForAll @IntRange(min = 1, max = 70) int d,
            @ForAll @IntRange(min = 1, max = 12) int k, @ForAll boolean l2, @ForAll boolean clustered,
            @ForAll long seed) {
        Assume.that(OneDnn.available());
        Int8Case c = new Int8Case(q, n, d, seed, clustered);
        int kk = Math.min(k, n);
        List<INDArray> exact = c.run(l2, kk, 0.9, "f32", "auto");
        List<INDArray> int8 = c.run(l2, kk, 0.9, "int8", Integer.toString(n));
        assertSame(exact, int8, "C = N");
    }

    @Property(tries = 25)
    void valuesAreAlwaysTheF32ScoresAtTheReturnedIndices(@ForAll @IntRange(min = 1, max = 20) int q,
            @ForAll @IntRange(min = 20, max = 1500) int n, @ForAll @IntRange(min = 1, max = 40) int d,
            @ForAll boolean l2, @ForAll long seed) {
        Assume.that(OneDnn.available());
        Int8Case c = new Int8Case(q, n, d, seed, true);
        // every row's f32 value: the exact search with k = N returns them all
        List<INDArray> all = c.run(l2, n, 1.0, "f32", "auto");
        List<INDArray> got = c.run(l2, 10, 0.8, "int8", "10"); // no candidates beyond k
        assertValuesAtIndices(all, got, l2 ? "l2" : "ip");
        float[][] val = got.get(0).toFloatMatrix();
        for (int r = 0; r < q; r++) {
            for (int i = 1; i < 10; i++) {
                assertTrue(l2 ? val[r][i - 1] <= val[r][i] : val[r][i - 1] >= val[r][i], "sorted best first");
            }
        }
    }

    @Property(tries = 12)
    void recallMeetsTheTargetOnAverage(@ForAll @IntRange(min = 0, max = 3) int targetIndex, @ForAll boolean l2,
                                       @ForAll boolean clustered, @ForAll long seed) {
        Assume.that(OneDnn.available());
        double target = new double[] {0.8, 0.9, 0.95, 0.99}[targetIndex];
        Int8Case c = new Int8Case(64, 6000, 48, seed, clustered);
        int[][] truth = c.run(l2, 10, 1.0, "f32", "auto").get(1).toIntMatrix();
        int[][] got = c.run(l2, 10, target, "int8", "auto").get(1).toIntMatrix();
        double recall = Int8Case.recall(got, truth);
        assertTrue(recall >= target, "recall " + recall + " at target " + target + (clustered ? " (clustered)" : " (random)")
                + (l2 ? " l2" : " ip"));
    }

    @Test
    void recallMeetsEveryTargetOnRealWordEmbeddings() {
        Int8Case c = Int8Case.wordEmbeddings(); // 5,000 GloVe-derived words, 200 held-out queries, D=100
        for (boolean l2 : new boolean[] {false, true}) {
            int[][] truth = c.run(l2, 10, 1.0, "f32", "auto").get(1).toIntMatrix();
            for (double target : new double[] {0.8, 0.9, 0.95, 0.99}) {
                double recall = Int8Case.recall(c.run(l2, 10, target, "int8", "auto").get(1).toIntMatrix(), truth);
                assertTrue(recall >= target, (l2 ? "l2" : "ip") + " recall " + recall + " at target " + target);
            }
        }
    }

    static Stream<Arguments> edges() {
        return Stream.of(Arguments.of(1, 8193, 3), Arguments.of(1, 1023, 130), Arguments.of(511, 1025, 17),
                Arguments.of(512, 1024, 16), Arguments.of(513, 2049, 13), Arguments.of(65, 1031, 1),
                Arguments.of(3, 9000, 64), Arguments.of(2, 300, 129));
    }

    @ParameterizedTest(name = "Q={0} N={1} D={2}")
    @MethodSource("edges")
    void tileAndVectorEdgesMatchTheF32Search(int q, int n, int d) {
        Int8Case c = new Int8Case(q, n, d, 17L * q + n + d, false);
        for (boolean l2 : new boolean[] {false, true}) {
            // enough candidates that re-ranking must restore the exact answer: 0.8 N
            List<INDArray> exact = c.run(l2, 5, 0.9, "f32", "auto");
            List<INDArray> int8 = c.run(l2, 5, 0.9, "int8", Integer.toString(n * 4 / 5));
            assertSame(exact, int8, (l2 ? "l2" : "ip") + " Q=" + q + " N=" + n + " D=" + d);
        }
    }

    @Test
    void nanInfiniteZeroAndHugeRowsGiveTheF32SearchsAnswer() {
        Int8Case c = new Int8Case(20, 3000, 24, 5, false);
        float[] data = c.db.clone();
        java.util.Arrays.fill(data, 10 * 24, 11 * 24, 0f); // row 10: all zero
        data[20 * 24 + 3] = Float.NaN; // row 20
        data[30 * 24] = Float.POSITIVE_INFINITY; // row 30
        data[40 * 24 + 7] = Float.NEGATIVE_INFINITY; // row 40
        for (int i = 0; i < 24; i++) {
            data[50 * 24 + i] = (i % 2 == 0 ? 1 : -1) * 1e30f; // row 50: too large to score in int8
        }
        data[60 * 24 + 5] = 1e6f; // row 60: one outlier, the rest near 0 in int8
        INDArray db = Nd4j.create(data, new long[] {3000, 24}, 'c');
        for (boolean l2 : new boolean[] {false, true}) {
            for (int k : new int[] {1, 10}) {
                assertSame(c.run(l2, k, 0.9, "f32", "auto", db), c.run(l2, k, 0.9, "int8", Integer.toString(k), db),
                        (l2 ? "l2" : "ip") + " k=" + k);
            }
        }
    }

    @Test
    void aHalfDatabaseRanksAsTheF32SearchOverItsWidenedRows() {
        Int8Case c = new Int8Case(40, 3000, 36, 21, true);
        for (io.ann4j.compiler.ir.DType half : new io.ann4j.compiler.ir.DType[] {io.ann4j.compiler.ir.DType.BF16,
                io.ann4j.compiler.ir.DType.F16}) {
            INDArray stored = io.ann4j.compiler.spi.HalfArrays.floatToHalf(Nd4j.create(c.db, new long[] {3000, 36}, 'c'), half);
            INDArray widened = io.ann4j.compiler.spi.HalfArrays.halfToFloat(stored);
            for (boolean l2 : new boolean[] {false, true}) {
                assertSame(c.run(l2, 10, 0.9, "f32", "auto", widened), c.run(l2, 10, 0.9, "int8", "2400", stored),
                        half + (l2 ? " l2" : " ip") + ", 2400 candidates");
                // few candidates: whatever comes back has the widened rows' f32 values
                List<INDArray> few = c.run(l2, 10, 0.9, "int8", "10", stored);
                List<INDArray> all = c.run(l2, 3000, 1.0, "f32", "auto", widened);
                assertValuesAtIndices(all, few, half + (l2 ? " l2" : " ip"));
            }
        }
    }

    @Test
    void queriesWithNaNOrInfinitiesTakeTheExactPath() {
        Int8Case c = new Int8Case(6, 2000, 16, 9, false);
        c.qy[2 * 16 + 5] = Float.NaN;
        c.qy[4 * 16] = Float.NEGATIVE_INFINITY;
        for (boolean l2 : new boolean[] {false, true}) {
            assertSame(c.run(l2, 10, 0.9, "f32", "auto"), c.run(l2, 10, 0.9, "int8", "10"), l2 ? "l2" : "ip");
        }
    }

    @Test
    void recallTargetOneAndSmallSearchesStayExactByDefault() {
        Int8Case c = new Int8Case(30, 3000, 32, 3, true);
        assertSame(c.run(false, 10, 1.0, "f32", "auto"), c.run(false, 10, 1.0, "auto", "10"), "target 1");
        // 30 x 3000 x 32 multiply-adds: below the int8 path's threshold, so exact by default
        assertSame(c.run(false, 10, 0.9, "f32", "auto"), c.run(false, 10, 0.9, "auto", "10"), "a small search");
    }

    @Test
    void badOptionsFailNamingTheOptionAndWhatItAccepts() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SearchOptions.of(CompileOptions.defaults().with(SearchOptions.PRODUCT, "int4")));
        assertEquals("cpu.product must be 'auto', 'int8' or 'f32', got 'int4'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SearchOptions.of(CompileOptions.defaults().with(SearchOptions.INT8_CANDIDATES, "-3")));
        assertEquals("cpu.int8Candidates must be 'auto' or a number of candidates per query, got '-3'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SearchOptions.of(CompileOptions.defaults().with(SearchOptions.INT8_SCALING, "column")));
        assertEquals("cpu.int8Scaling must be 'row' or 'dimension-row', got 'column'", e.getMessage());
    }

    @Test
    void candidatesGrowWithTheTargetAndStayWithinTheDatabase() {
        int previous = 0;
        for (double t : new double[] {0.5, 0.8, 0.9, 0.95, 0.99, 0.999}) {
            int c = Int8Candidates.candidates(10, 10, t, 1_000_000, "auto");
            assertTrue(c >= previous && c >= 10, "C(" + t + ") = " + c + " after " + previous);
            previous = c;
        }
        assertEquals(7, Int8Candidates.candidates(10, 10, 0.99, 7, "auto"), "at most N");
        assertEquals(300, Int8Candidates.candidates(10, 300, 0.5, 1000, "auto"), "at least the output size");
        assertEquals(55, Int8Candidates.candidates(10, 10, 0.5, 1000, "55"), "an explicit count");
    }

    @Test
    void reportsThePathTaken() {
        String path = Int8Products.path();
        assertEquals(Int8Products.vnni() && OneDnn.available(), path.equals(Int8Products.INT8_RERANK), path);
    }

    /** Every value of {@code got} is the one {@code all} (a search returning every row) has at its index. */
    private static void assertValuesAtIndices(List<INDArray> all, List<INDArray> got, String what) {
        int[][] allIdx = all.get(1).toIntMatrix();
        float[][] allVal = all.get(0).toFloatMatrix();
        int[][] idx = got.get(1).toIntMatrix();
        float[][] val = got.get(0).toFloatMatrix();
        for (int r = 0; r < idx.length; r++) {
            Map<Integer, Float> f32 = new HashMap<>();
            for (int i = 0; i < allIdx[r].length; i++) {
                f32.put(allIdx[r][i], allVal[r][i]);
            }
            for (int i = 0; i < idx[r].length; i++) {
                assertEquals(Float.floatToIntBits(f32.get(idx[r][i])), Float.floatToIntBits(val[r][i]),
                        what + ": query " + r + " rank " + i + " index " + idx[r][i]);
            }
        }
    }

    private static void assertSame(List<INDArray> expected, List<INDArray> got, String what) {
        int[][] ei = expected.get(1).toIntMatrix();
        int[][] gi = got.get(1).toIntMatrix();
        float[][] ev = expected.get(0).toFloatMatrix();
        float[][] gv = got.get(0).toFloatMatrix();
        for (int r = 0; r < ei.length; r++) {
            assertArrayEquals(ei[r], gi[r], what + ": indices of query " + r);
            for (int i = 0; i < ev[r].length; i++) {
                assertEquals(Float.floatToIntBits(ev[r][i]), Float.floatToIntBits(gv[r][i]),
                        what + ": value " + i + " of query " + r + " (" + ev[r][i] + " vs " + gv[r][i] + ")");
            }
        }
    }
}
