package io.ann4j.runtime.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import io.ann4j.compiler.ops.DotGeneral;
import io.ann4j.compiler.ops.FusedRegion;
import io.ann4j.compiler.passes.CompileOptions;
import io.ann4j.compiler.passes.Pipeline;
import io.ann4j.compiler.ops.TotalOrder;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import io.ann4j.runtime.cpu.search.SmallBatchTiles;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every path of the fused search (tiled sgemm, one-query gemv, the opt-in small-batch micro-kernel;
 * threshold and bins) against a reference, on shapes that cross tile and vector edges. The data
 * are small integers, so every score is exact in f32 and the expected order is unambiguous.
 */
class FusedSearchTest {
    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(1, 1, 1, 1), Arguments.of(1, 10_007, 128, 10), Arguments.of(3, 1025, 5, 10),
                Arguments.of(5, 3000, 16, 10), Arguments.of(8, 1031, 33, 1), Arguments.of(9, 8200, 33, 10),
                Arguments.of(513, 2049, 17, 10), Arguments.of(40, 5000, 7, 1500), Arguments.of(2, 300, 128, 300),
                // the small-batch kernel's lane groups: one partial, two, two and one, four; columns
                // that are no multiple of its 8- and 6-row blocks, and more than one 512-column tile
                Arguments.of(17, 1031, 33, 10), Arguments.of(37, 2053, 20, 10), Arguments.of(64, 1543, 128, 10),
                Arguments.of(50, 999, 3, 5),
                // its 128- and 256-bit lane groups (4 and 5-8 queries), with a scalar edge
                Arguments.of(4, 777, 9, 10), Arguments.of(7, 1601, 128, 10),
                // large enough (>= 2^26 multiply-adds) for the oneDNN tiles
                Arguments.of(600, 1100, 128, 10));
    }

    @ParameterizedTest(name = "Q={0} N={1} D={2} k={3}")
    @MethodSource("shapes")
    void thresholdSearchIsExactOnEveryPath(int q, int n, int d, int k) {
        for (boolean max : new boolean[] {true, false}) {
            for (boolean l2 : new boolean[] {false, true}) {
                Case c = new Case(q, n, d, k, max, l2, false, 1.0f, 11L * q + n);
                List<INDArray> out = c.run("threshold");
                int[][] idx = out.get(1).toIntMatrix();
                float[][] val = out.get(0).toFloatMatrix();
                for (int r = 0; r < q; r++) {
                    assertArrayEquals(c.expected(r, k), idx[r], "row " + r + " max=" + max + " l2=" + l2);
                    for (int i = 0; i < k; i++) {
                        assertEquals(c.score(r, idx[r][i]), val[r][i], "value at " + r + "," + i);
                    }
                }
            }
        }
    }

    /** Batches the small-batch kernel serves by default, on the gemm tiles ({@code cpu.smallBatch=false}). */
    @ParameterizedTest(name = "Q={0} N={1} D={2} k={3}")
    @MethodSource("shapes")
    void smallBatchesAreExactOnTheTilesToo(int q, int n, int d, int k) {
        org.junit.jupiter.api.Assumptions.assumeTrue(q >= SmallBatchTiles.MIN_QUERIES && q <= SmallBatchTiles.MAX_QUERIES,
                "a batch the small-batch kernel serves");
        for (boolean max : new boolean[] {true, false}) {
            for (boolean l2 : new boolean[] {false, true}) {
                Case c = new Case(q, n, d, k, max, l2, false, 1.0f, 11L * q + n);
                List<INDArray> out = c.run("threshold", "false");
                int[][] idx = out.get(1).toIntMatrix();
                float[][] val = out.get(0).toFloatMatrix();
                for (int r = 0; r < q; r++) {
                    assertArrayEquals(c.expected(r, k), idx[r], "row " + r + " max=" + max + " l2=" + l2 + " on the tiles");
                    for (int i = 0; i < k; i++) {
                        assertEquals(c.score(r, idx[r][i]), val[r][i], "value at " + r + "," + i);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "Q={0} N={1} D={2} k={3}")
    @MethodSource("shapes")
    void binsReturnEachBinsBest(int q, int n, int d, int k) {
        org.junit.jupiter.api.Assumptions.assumeTrue(k <= 10,
                "bins hold one element each: k beyond the bins is the threshold path's job");
        Case c = new Case(q, n, d, k, true, false, true, 0.9f, 5L * q + n);
        List<INDArray> out = c.run("bins");
        int bins = (int) c.op.binPlan(TensorType.of(DType.F32, q, n)).outputSize();
        int[][] idx = out.get(1).toIntMatrix();
        float[][] val = out.get(0).toFloatMatrix();
        for (int r = 0; r < q; r++) {
            for (int i = 0; i < idx[r].length; i++) {
                int j = idx[r][i];
                assertEquals(c.score(r, j), val[r][i]);
                if (i > 0) {
                    assertTrue(val[r][i - 1] >= val[r][i], "sorted");
                }
                if (bins < n) {
                    for (int other = j % bins; other < n; other += bins) {
                        assertTrue(c.score(r, other) < c.score(r, j) || (c.score(r, other) == c.score(r, j) && other >= j),
                                "column " + j + " must be the best of bin " + (j % bins));
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "Q={0} N={1} D={2} k={3}")
    @MethodSource("shapes")
    void aNaNDatabaseRowRanksAsTheTotalOrderSays(int q, int n, int d, int k) {
        org.junit.jupiter.api.Assumptions.assumeTrue(n >= 3, "a database with a row 2");
        Case c = new Case(q, n, d, Math.min(k, n - 1), true, false, false, 1.0f, 3L * q + n);
        c.db[2 * d] = Float.NaN; // row 2: every score NaN (+NaN: the largest for max)
        int[][] idx = c.run("threshold").get(1).toIntMatrix();
        for (int[] row : idx) {
            assertEquals(2, row[0], "+NaN is the largest value");
        }
    }

    /** One search: data, the graph, and the reference scores. */
    static final class Case {
        final int q;
        final int n;
        final int d;
        final int k;
        final boolean max;
        final boolean l2;
        final float[] qy;
        final float[] db;
        final float[] half;
        final ApproxTopK op;

        Case(int q, int n, int d, int k, boolean max, boolean l2, boolean aggregate, float recall, long seed) {
            this.q = q;
            this.n = n;
            this.d = d;
            this.k = k;
            this.max = max;
            this.l2 = l2;
            Random rnd = new Random(seed);
            qy = new float[q * d];
            db = new float[n * d];
            half = new float[n];
            for (int i = 0; i < qy.length; i++) {
                qy[i] = rnd.nextInt(7) - 3;
            }
            for (int i = 0; i < db.length; i++) {
                db[i] = rnd.nextInt(7) - 3;
            }
            for (int j = 0; j < n; j++) {
                half[j] = rnd.nextInt(50);
            }
            op = new ApproxTopK(new ApproxTopKParams(k, -1, recall, max, -1, true));
        }

        List<INDArray> run(String selection) {
            return run(selection, "true");
        }

        /** @param smallBatch {@code cpu.smallBatch} */
        List<INDArray> run(String selection, String smallBatch) {
            GraphBuilder b = new GraphBuilder();
            Value x = b.parameter(TensorType.of(DType.F32, q, d));
            Value y = b.parameter(TensorType.of(DType.F32, n, d));
            Value h = b.parameter(TensorType.of(DType.F32, n));
            Value s = b.add1(new DotGeneral(Dims.of(1), Dims.of(1), Dims.empty(), Dims.empty()), x, y);
            if (l2) {
                Value hb = b.add1(new BroadcastInDim(Dims.of(q, n), Dims.of(1)), h);
                s = b.add1(new BinaryOp(BinaryOp.Kind.SUB), hb, s);
            }
            Graph g = Pipeline.optimize(b.build(b.add(op, List.of(s))), CompileOptions.defaults());
            assertTrue(g.nodes().stream().anyMatch(nd -> nd.op() instanceof FusedRegion), "the search must fuse: " + g);
            return new CpuBackend().compile(g, CompileOptions.defaults().with("cpu.selection", selection)
                            .with(io.ann4j.runtime.cpu.search.SearchOptions.SMALL_BATCH, smallBatch))
                    .execute(List.of(Nd4j.create(qy, new long[] {q, d}, 'c'), Nd4j.create(db, new long[] {n, d}, 'c'),
                            Nd4j.create(half, new long[] {n}, 'c')));
        }

        float score(int r, int j) {
            float s = 0;
            for (int i = 0; i < d; i++) {
                s += qy[r * d + i] * db[j * d + i];
            }
            return l2 ? half[j] - s : s;
        }

        int[] expected(int r, int count) {
            int[] keys = new int[n];
            for (int j = 0; j < n; j++) {
                keys[j] = TotalOrder.selectKey(score(r, j), max);
            }
            Comparator<Integer> best = Comparator.comparingInt(j -> -keys[j]);
            return IntStream.range(0, n).boxed().sorted(best.thenComparingInt(j -> j)).limit(count)
                    .mapToInt(Integer::intValue).toArray();
        }
    }
}
