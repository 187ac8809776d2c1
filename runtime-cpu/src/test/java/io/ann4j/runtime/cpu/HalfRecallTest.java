package io.ann4j.runtime.cpu;

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
import io.ann4j.compiler.ops.DotGeneral;
import io.ann4j.compiler.passes.CompileOptions;
import io.ann4j.compiler.passes.Pipeline;
import io.ann4j.compiler.spi.HalfArrays;
import io.ann4j.runtime.cpu.search.HalfSearch;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Recall of half-precision searches on real-valued (Gaussian, and clustered) data, where bf16
 * rounding does reorder near-ties: measured against exact search on the f32 data, as the bench
 * does, with and without re-ranking.
 */
class HalfRecallTest {
    private static final int Q = 24;
    private static final int N = 3000;
    private static final int D = 48;
    private static final int K = 10;

    @Property(tries = 6, seed = "5")
    void reRankingMoreCandidatesNeverLosesANeighbourAndAllCandidatesIsExact(
            @ForAll @IntRange(min = 0, max = 10_000) int seed, @ForAll boolean clustered, @ForAll boolean bf16) {
        Data data = new Data(seed, clustered);
        DType half = bf16 ? DType.BF16 : DType.F16;
        // ground truth of the widened database: what re-ranking scores exactly
        int[][] widenedTruth = data.truth(data.widened(half));
        int previous = -1;
        for (int candidates : new int[] {K, 2 * K, 5 * K, N}) {
            int[][] got = data.search(half, Integer.toString(candidates));
            int found = found(got, widenedTruth);
            assertTrue(found >= previous, "more candidates (" + candidates + ") lost neighbours: " + found + " < " + previous);
            previous = found;
        }
        assertEquals(Q * K, previous, "re-ranking every row is the exact search of the widened database");
    }

    @Property(tries = 6, seed = "6")
    void theDefaultCandidateCountMeetsTheTargetAgainstExactF32Search(
            @ForAll @IntRange(min = 0, max = 10_000) int seed, @ForAll boolean clustered, @ForAll boolean bf16) {
        Data data = new Data(seed, clustered);
        int[][] truth = data.truth(data.db);
        double recall = found(data.search(bf16 ? DType.BF16 : DType.F16, "auto"), truth) / (double) (Q * K);
        assertTrue(recall >= 0.95, "recall " + recall + " against exact f32 search, target 0.95");
    }

    @Property(tries = 4, seed = "7")
    void returnedValuesAreTheExactF32ScoresOfTheStoredRowsSortedBestFirst(
            @ForAll @IntRange(min = 0, max = 10_000) int seed, @ForAll boolean bf16) {
        Data data = new Data(seed, true);
        DType half = bf16 ? DType.BF16 : DType.F16;
        float[] widened = data.widened(half);
        List<INDArray> out = data.run(half, "auto");
        int[][] idx = out.get(1).toIntMatrix();
        float[][] val = out.get(0).toFloatMatrix();
        for (int r = 0; r < Q; r++) {
            for (int i = 0; i < K; i++) {
                double exact = 0;
                for (int c = 0; c < D; c++) {
                    exact += (double) data.qy[r * D + c] * widened[idx[r][i] * D + c];
                }
                assertEquals(exact, val[r][i], 1e-4 * Math.max(1, Math.abs(exact)), "row " + r + " rank " + i);
                assertTrue(i == 0 || val[r][i - 1] >= val[r][i], "sorted best first");
            }
        }
    }

    @Property(tries = 4, seed = "8")
    void rankingEveryRowGivesTheF32SearchOfTheWidenedDatabaseBitForBit(
            @ForAll @IntRange(min = 0, max = 10_000) int seed, @ForAll boolean bf16) {
        Data data = new Data(seed, true);
        DType half = bf16 ? DType.BF16 : DType.F16;
        List<INDArray> got = data.run(half, Integer.toString(N));
        List<INDArray> f32 = data.runF32(data.widened(half));
        org.junit.jupiter.api.Assertions.assertArrayEquals(f32.get(1).dup().data().asInt(), got.get(1).dup().data().asInt(), "indices");
        org.junit.jupiter.api.Assertions.assertArrayEquals(f32.get(0).dup().data().asFloat(), got.get(0).dup().data().asFloat(), 0f,
                "values: the canonical f32 scores");
    }

    @org.junit.jupiter.api.Test
    void theDefaultCandidateCountGrowsWithTheTargetAndNeverExceedsTheDatabase() {
        // f16: re-ranking restores the rows the bf16 product rounded
        assertEquals(20, HalfSearch.candidates(10, 10, 0.8, 100_000, false));
        assertEquals(30, HalfSearch.candidates(10, 10, 0.95, 100_000, false));
        assertEquals(40, HalfSearch.candidates(10, 10, 0.99, 100_000, false));
        assertEquals(256, HalfSearch.candidates(10, 256, 0.95, 100_000, false), "aggregateToTopk=false: the bins are the candidates");
        assertEquals(15, HalfSearch.candidates(10, 10, 0.95, 15, false));
        // bf16: the rows are already rounded; candidates only where the target is above what the pass keeps
        assertEquals(10, HalfSearch.candidates(10, 10, 0.8, 100_000, true));
        assertEquals(10, HalfSearch.candidates(10, 10, 0.95, 100_000, true));
        assertEquals(40, HalfSearch.candidates(10, 10, 0.99, 100_000, true));
        assertEquals(256, HalfSearch.candidates(10, 256, 0.95, 100_000, true));
    }

    @org.junit.jupiter.api.Test
    void aBadCandidateOptionIsRejectedAtCompileTimeNamingTheOption() {
        GraphBuilder b = new GraphBuilder();
        Value x = b.parameter(TensorType.of(DType.F32, 2, 4));
        Graph g = b.build(List.of(x));
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new CpuBackend().compile(g, CompileOptions.defaults().with(HalfSearch.CANDIDATES_OPTION, "many")));
        assertTrue(e.getMessage().contains(HalfSearch.CANDIDATES_OPTION) && e.getMessage().contains("many"), e.getMessage());
    }

    private static int found(int[][] got, int[][] truth) {
        int n = 0;
        for (int r = 0; r < got.length; r++) {
            for (int j : got[r]) {
                final int jj = j;
                n += Arrays.stream(truth[r]).anyMatch(t -> t == jj) ? 1 : 0;
            }
        }
        return n;
    }

    /** Gaussian or clustered (8 clusters, unevenly scaled dimensions) queries and database. */
    static final class Data {
        final float[] qy = new float[Q * D];
        final float[] db = new float[N * D];

        Data(long seed, boolean clustered) {
            Random rnd = new Random(seed);
            float[][] centers = new float[8][D];
            float[] scale = new float[D];
            for (int c = 0; c < D; c++) {
                scale[c] = clustered ? 0.2f + 3 * rnd.nextFloat() * rnd.nextFloat() : 1f;
                for (float[] center : centers) {
                    center[c] = clustered ? 2 * (float) rnd.nextGaussian() : 0f;
                }
            }
            fill(qy, Q, centers, scale, rnd);
            fill(db, N, centers, scale, rnd);
        }

        private static void fill(float[] m, int rows, float[][] centers, float[] scale, Random rnd) {
            for (int r = 0; r < rows; r++) {
                float[] center = centers[rnd.nextInt(centers.length)];
                for (int c = 0; c < D; c++) {
                    m[r * D + c] = (center[c] + (float) rnd.nextGaussian()) * scale[c];
                }
            }
        }

        float[] widened(DType half) {
            return HalfArrays.halfToFloat(HalfArrays.floatToHalf(Nd4j.create(db, new long[] {N, D}, 'c'), half))
                    .data().asFloat();
        }

        /** Exact top-K of each query over {@code rows}, scored in double. */
        int[][] truth(float[] rows) {
            int[][] t = new int[Q][];
            for (int r = 0; r < Q; r++) {
                double[] s = new double[N];
                for (int j = 0; j < N; j++) {
                    for (int c = 0; c < D; c++) {
                        s[j] += (double) qy[r * D + c] * rows[j * D + c];
                    }
                }
                t[r] = java.util.stream.IntStream.range(0, N).boxed()
                        .sorted((a, b) -> Double.compare(s[b], s[a])).limit(K).mapToInt(Integer::intValue).toArray();
            }
            return t;
        }

        List<INDArray> run(DType half, String candidates) {
            GraphBuilder b = new GraphBuilder();
            Value x = b.parameter(TensorType.of(DType.F32, Q, D));
            Value y = b.parameter(TensorType.of(half, N, D));
            Value s = b.add1(new DotGeneral(Dims.of(1), Dims.of(1), Dims.empty(), Dims.empty()), x, y);
            Graph g = Pipeline.optimize(b.build(b.add(new ApproxTopK(new ApproxTopKParams(K, -1, 0.95f, true, -1, true)),
                    List.of(s))), CompileOptions.defaults());
            return new CpuBackend().compile(g, CompileOptions.defaults().with(HalfSearch.CANDIDATES_OPTION, candidates))
                    .execute(List.of(Nd4j.create(qy, new long[] {Q, D}, 'c'),
                            HalfArrays.floatToHalf(Nd4j.create(db, new long[] {N, D}, 'c'), half)));
        }

        /** The f32 search over {@code rows} (the widened database): the reference of the half search. */
        List<INDArray> runF32(float[] rows) {
            GraphBuilder b = new GraphBuilder();
            Value x = b.parameter(TensorType.of(DType.F32, Q, D));
            Value y = b.parameter(TensorType.of(DType.F32, N, D));
            Value s = b.add1(new DotGeneral(Dims.of(1), Dims.of(1), Dims.empty(), Dims.empty()), x, y);
            Graph g = Pipeline.optimize(b.build(b.add(new ApproxTopK(new ApproxTopKParams(K, -1, 0.95f, true, -1, true)),
                    List.of(s))), CompileOptions.defaults());
            return new CpuBackend().compile(g, CompileOptions.defaults()).execute(List.of(
                    Nd4j.create(qy, new long[] {Q, D}, 'c'), Nd4j.create(rows, new long[] {N, D}, 'c')));
        }

        int[][] search(DType half, String candidates) {
            return run(half, candidates).get(1).toIntMatrix();
        }
    }
}
