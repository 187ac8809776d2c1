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
import io.ann4j.compiler.ops.TotalOrder;
import io.ann4j.compiler.passes.CompileOptions;
import io.ann4j.compiler.passes.Pipeline;
import io.ann4j.compiler.spi.HalfArrays;
import io.ann4j.runtime.cpu.search.HalfProducts;
import io.ann4j.runtime.cpu.search.HalfSearch;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Searches over a bf16 or f16 database, on both products (the bf16 gemm where this CPU has it,
 * and the converted f32 product), against the f32 reference over the widened database: tile and
 * block edges, depths that no vector width divides, both database layouts, the L2 epilogue.
 * Small integers keep every score exact in every precision, so the expected order is unambiguous
 * and the results must match exactly.
 */
class HalfSearchTest {
    static Stream<Arguments> shapes() {
        return Stream.of(Arguments.of(1, 10_007, 128, 10), Arguments.of(1, 9000, 13, 10), Arguments.of(3, 1025, 5, 10),
                Arguments.of(8, 1031, 33, 1), Arguments.of(9, 8200, 17, 10), Arguments.of(513, 2049, 19, 10),
                Arguments.of(40, 3000, 7, 300), Arguments.of(2, 300, 130, 300));
    }

    @ParameterizedTest(name = "Q={0} N={1} D={2} k={3}")
    @MethodSource("shapes")
    void halfSearchEqualsTheF32SearchOfTheWidenedDatabase(int q, int n, int d, int k) {
        for (String product : new String[] {"bf16", "converted"}) {
            for (DType half : new DType[] {DType.BF16, DType.F16}) {
                for (boolean transposed : new boolean[] {false, true}) {
                    boolean l2 = transposed; // the L2 epilogue on one layout, plain MIPS on the other
                    Search s = new Search(q, n, d, k, l2, transposed, 31L * q + n + d);
                    List<INDArray> out = s.run(half, "auto", product.equals("bf16") ? "auto" : "converted");
                    int[][] idx = out.get(1).toIntMatrix();
                    float[][] val = out.get(0).toFloatMatrix();
                    for (int r = 0; r < q; r++) {
                        String what = product + " " + half + (transposed ? " [D,N]" : " [N,D]") + " row " + r;
                        assertArrayEquals(s.expected(r, k), idx[r], what);
                        for (int i = 0; i < k; i++) {
                            assertEquals(s.score(r, idx[r][i]), val[r][i], what + " value " + i);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "Q={0} N={1} D={2} k={3}")
    @MethodSource("shapes")
    void bf16QueriesAndDatabaseScoreInBf16(int q, int n, int d, int k) {
        org.junit.jupiter.api.Assumptions.assumeTrue(q * (long) n <= 1_000_000, "small enough for the bf16 reference");
        Search s = new Search(q, n, d, k, false, false, 7L * q + n);
        List<INDArray> out = s.runBothHalf();
        assertEquals(org.nd4j.linalg.api.buffer.DataType.BFLOAT16, out.get(0).dataType());
        int[][] idx = out.get(1).toIntMatrix();
        for (int r = 0; r < q; r++) {
            assertArrayEquals(s.expected(r, k), idx[r], "row " + r);
        }
    }

    /** One search: integer data (exact in bf16 and f16), the graph, and the reference. */
    static final class Search {
        final int q;
        final int n;
        final int d;
        final int k;
        final boolean l2;
        final boolean transposed;
        final float[] qy;
        final float[] db;
        final float[] halfNorms;

        Search(int q, int n, int d, int k, boolean l2, boolean transposed, long seed) {
            this.q = q;
            this.n = n;
            this.d = d;
            this.k = k;
            this.l2 = l2;
            this.transposed = transposed;
            Random rnd = new Random(seed);
            qy = new float[q * d];
            db = new float[n * d];
            halfNorms = new float[n];
            for (int i = 0; i < qy.length; i++) {
                qy[i] = rnd.nextInt(9) - 4;
            }
            for (int i = 0; i < db.length; i++) {
                db[i] = rnd.nextInt(9) - 4;
            }
            for (int j = 0; j < n; j++) {
                halfNorms[j] = rnd.nextInt(60);
            }
        }

        List<INDArray> run(DType half, String candidates) {
            return run(half, candidates, "auto");
        }

        /** @param product {@code cpu.half}: {@code auto} (the bf16 gemm where the CPU has it) or {@code converted} */
        List<INDArray> run(DType half, String candidates, String product) {
            GraphBuilder b = new GraphBuilder();
            Value x = b.parameter(TensorType.of(DType.F32, q, d));
            Value y = b.parameter(transposed ? TensorType.of(half, d, n) : TensorType.of(half, n, d));
            Value h = b.parameter(TensorType.of(DType.F32, n));
            Value s = b.add1(new DotGeneral(Dims.of(1), Dims.of(transposed ? 0 : 1), Dims.empty(), Dims.empty()), x, y);
            if (l2) {
                s = b.add1(new BinaryOp(BinaryOp.Kind.SUB), b.add1(new BroadcastInDim(Dims.of(q, n), Dims.of(1)), h), s);
            }
            ApproxTopK op = new ApproxTopK(new ApproxTopKParams(k, -1, 0.95f, !l2, -1, true));
            Graph g = Pipeline.optimize(b.build(b.add(op, List.of(s))), CompileOptions.defaults());
            assertTrue(g.nodes().stream().anyMatch(nd -> nd.op() instanceof FusedRegion), "the search must fuse: " + g);
            INDArray dbArray = Nd4j.create(db, new long[] {n, d}, 'c');
            INDArray stored = HalfArrays.floatToHalf(transposed ? dbArray.transpose().dup('c') : dbArray, half);
            return new CpuBackend().compile(g, CompileOptions.defaults().with(HalfSearch.CANDIDATES_OPTION, candidates)
                            .with(io.ann4j.runtime.cpu.search.SearchOptions.HALF, product))
                    .execute(List.of(Nd4j.create(qy, new long[] {q, d}, 'c'), stored,
                            Nd4j.create(halfNorms, new long[] {n}, 'c')));
        }

        List<INDArray> runBothHalf() {
            GraphBuilder b = new GraphBuilder();
            Value x = b.parameter(TensorType.of(DType.BF16, q, d));
            Value y = b.parameter(TensorType.of(DType.BF16, n, d));
            Value s = b.add1(new DotGeneral(Dims.of(1), Dims.of(1), Dims.empty(), Dims.empty()), x, y);
            Graph g = Pipeline.optimize(b.build(b.add(new ApproxTopK(new ApproxTopKParams(k, -1, 0.95f, true, -1, true)),
                    List.of(s))), CompileOptions.defaults());
            return new CpuBackend().compile(g, CompileOptions.defaults()).execute(List.of(
                    HalfArrays.floatToHalf(Nd4j.create(qy, new long[] {q, d}, 'c'), DType.BF16),
                    HalfArrays.floatToHalf(Nd4j.create(db, new long[] {n, d}, 'c'), DType.BF16)));
        }

        float score(int r, int j) {
            float s = 0;
            for (int i = 0; i < d; i++) {
                s += qy[r * d + i] * db[j * d + i];
            }
            return l2 ? halfNorms[j] - s : s;
        }

        int[] expected(int r, int count) {
            int[] keys = new int[n];
            for (int j = 0; j < n; j++) {
                keys[j] = TotalOrder.selectKey(score(r, j), !l2);
            }
            Comparator<Integer> best = Comparator.comparingInt(j -> -keys[j]);
            return IntStream.range(0, n).boxed().sorted(best.thenComparingInt(j -> j)).limit(count)
                    .mapToInt(Integer::intValue).toArray();
        }
    }

    /** Names the product the half searches above ran on, in the test report. */
    @org.junit.jupiter.api.Test
    void reportsWhichProductRuns() {
        String path = HalfProducts.path();
        assertTrue(path.equals(HalfProducts.BF16_GEMM) || path.equals(HalfProducts.CONVERTED), path);
        assertEquals(HalfProducts.bf16Instructions() && io.ann4j.runtime.cpu.search.OneDnn.available(),
                path.equals(HalfProducts.BF16_GEMM));
    }
}
