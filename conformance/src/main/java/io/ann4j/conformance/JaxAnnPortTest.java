package io.ann4j.conformance;

import io.ann4j.dsl.*;

import static io.ann4j.dsl.Ops.add;
import static io.ann4j.dsl.Ops.approxMaxK;
import static io.ann4j.dsl.Ops.approxMinK;
import static io.ann4j.dsl.Ops.concatenate;
import static io.ann4j.dsl.Ops.constant;
import static io.ann4j.dsl.Ops.dot;
import static io.ann4j.dsl.Ops.dotGeneral;
import static io.ann4j.dsl.Ops.neg;
import static io.ann4j.dsl.Ops.reshape;
import static io.ann4j.dsl.Ops.sliceInDim;
import static io.ann4j.dsl.Ops.sortKeyVal;
import static io.ann4j.dsl.Ops.topK;
import static io.ann4j.dsl.Ops.transpose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ann4j.compiler.ir.DType;
import io.ann4j.conformance.Conformance.Target;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A port of JAX's {@code tests/ann_test.py} (newest version), run against every backend (and
 * every CPU selection mode). {@code test_autodiff} is not ported (differentiation is issue 7);
 * {@code test_pmap} is ported without pmap (issue 4): the two shards are emulated with slices of
 * the database, which is what pmap would run on each device.
 *
 * <p>JAX's {@code db} is {@code [D, N]} in the max/min tests: {@code scores = dot(qy, db)}.
 */
class JaxAnnPortTest {

    /** A shape with a readable name in test reports. */
    record Shape(int... dims) {
        @Override
        public String toString() {
            return "(" + String.join(",", Arrays.stream(dims).mapToObj(Integer::toString).toList()) + ")";
        }
    }

    private static final List<Shape> QY_SHAPES = List.of(new Shape(200, 128), new Shape(128, 128));
    private static final List<Shape> DB_SHAPES = List.of(new Shape(128, 500), new Shape(128, 3000));

    /** Fixed seeds: one data set per shape, shared by every dtype (converted from the same draw). */
    private static long seed(String role, Shape s) {
        return (role.hashCode() * 31L + Arrays.hashCode(s.dims())) & 0xffffffL;
    }

    /** {@code qy_shape x db_shape x dtype x k x recall}, for every target. */
    static Stream<Arguments> maxMinCases() {
        List<Arguments> out = new ArrayList<>();
        for (Target t : Conformance.targets()) {
            for (Shape qy : QY_SHAPES) {
                for (Shape db : DB_SHAPES) {
                    for (DataType dtype : Conformance.floating(t)) {
                        for (int k : new int[] {1, 10}) {
                            for (double recall : new double[] {0.95}) {
                                out.add(Arguments.of(t, qy, db, dtype, k, recall));
                            }
                        }
                    }
                }
            }
        }
        return out.stream();
    }

    /** The scores as JAX computes them: {@code lax.dot(qy, db)}, materialised. */
    private static Tensor scores(Target t, Shape qyShape, Shape dbShape, DataType dtype) {
        INDArray qy = Conformance.randDefault(seed("qy", qyShape), dtype, qyShape.dims());
        INDArray db = Conformance.randDefault(seed("db", dbShape), dtype, dbShape.dims());
        return Jit.jit((Tensor a, Tensor b) -> dot(a, b), t.config()).call(qy, db);
    }

    @ParameterizedTest(name = "[{0}] qy={1} db={2} {3} k={4} recall={5}")
    @MethodSource("maxMinCases")
    void testApproxMaxK(Target t, Shape qyShape, Shape dbShape, DataType dtype, int k, double recall) {
        Tensor scores = scores(t, qyShape, dbShape, dtype);
        TopK gt = Jit.jit((Tensor s) -> topK(s, k), t.config()).call(scores);
        TopK ann = Jit.jit((Tensor s) -> approxMaxK(s, k, recall), t.config()).call(scores);
        assertEquals(k, ann.indices().dim(1), "k results per query");
        assertArrayEquals(new int[] {qyShape.dims()[0], k}, ann.indices().shape());
        assertEquals(DType.I32, ann.indices().dtype());
        assertEquals(scores.dtype(), ann.values().dtype());
        double annRecall = Ann.recall(ann.indices(), gt.indices());
        assertTrue(annRecall >= recall * 0.9, "recall " + annRecall + " < " + recall * 0.9);
    }

    @ParameterizedTest(name = "[{0}] qy={1} db={2} {3} k={4} recall={5}")
    @MethodSource("maxMinCases")
    void testApproxMinK(Target t, Shape qyShape, Shape dbShape, DataType dtype, int k, double recall) {
        Tensor scores = scores(t, qyShape, dbShape, dtype);
        TopK gt = Jit.jit((Tensor s) -> topK(neg(s), k), t.config()).call(scores);
        TopK ann = Jit.jit((Tensor s) -> approxMinK(s, k, recall), t.config()).call(scores);
        assertEquals(k, ann.indices().dim(1), "k results per query");
        assertEquals(scores.dtype(), ann.values().dtype());
        double annRecall = Ann.recall(ann.indices(), gt.indices());
        assertTrue(annRecall >= recall * 0.9, "recall " + annRecall + " < " + recall * 0.9);
    }

    /**
     * Not in JAX's file: the same cases with the product and the selection in one jitted function
     * ({@code approx_max_k(dot(qy, db))}), the form the fusion pass turns into one region, against
     * the exact top-k of the materialised scores.
     */
    @ParameterizedTest(name = "[{0}] fused qy={1} db={2} {3} k={4} recall={5}")
    @MethodSource("maxMinCases")
    void fusedApproxMaxK(Target t, Shape qyShape, Shape dbShape, DataType dtype, int k, double recall) {
        fused(t, qyShape, dbShape, dtype, k, recall, true);
    }

    @ParameterizedTest(name = "[{0}] fused qy={1} db={2} {3} k={4} recall={5}")
    @MethodSource("maxMinCases")
    void fusedApproxMinK(Target t, Shape qyShape, Shape dbShape, DataType dtype, int k, double recall) {
        fused(t, qyShape, dbShape, dtype, k, recall, false);
    }

    private static void fused(Target t, Shape qyShape, Shape dbShape, DataType dtype, int k, double recall, boolean max) {
        INDArray qy = Conformance.randDefault(seed("qy", qyShape), dtype, qyShape.dims());
        INDArray db = Conformance.randDefault(seed("db", dbShape), dtype, dbShape.dims());
        Tensor scores = scores(t, qyShape, dbShape, dtype);
        TopK gt = Jit.jit((Tensor s) -> topK(max ? s : neg(s), k), t.config()).call(scores);
        TopK ann = Jit.jit((Tensor a, Tensor b) -> max ? approxMaxK(dot(a, b), k, recall) : approxMinK(dot(a, b), k, recall),
                t.config()).call(qy, db);
        assertArrayEquals(new int[] {qyShape.dims()[0], k}, ann.indices().shape());
        assertEquals(scores.dtype(), ann.values().dtype());
        double annRecall = Ann.recall(ann.indices(), gt.indices());
        assertTrue(annRecall >= recall * 0.9, "recall " + annRecall + " < " + recall * 0.9);
    }

    // ---- test_pmap, without pmap ----

    static Stream<Arguments> pmapCases() {
        List<Arguments> out = new ArrayList<>();
        for (Target t : Conformance.targets()) {
            for (Shape qy : QY_SHAPES) {
                for (DataType dtype : Conformance.floating(t)) {
                    for (int k : new int[] {1, 10}) {
                        for (double recall : new double[] {0.9, 0.95}) {
                            out.add(Arguments.of(t, qy, new Shape(2048, 128), dtype, k, recall));
                        }
                    }
                }
            }
        }
        return out.stream();
    }

    /**
     * JAX's {@code test_pmap} on 2 emulated devices: each shard runs {@code parallel_topk}
     * ({@code approx_min_k} along dimension 1 with the whole database's size as the override and
     * {@code aggregate_to_topk=False}, plus the shard's offset); the shards' candidates are
     * concatenated along dimension 1 (what {@code out_axes=1} and {@code collapse(1, 3)} give),
     * sorted with {@code sort_key_val} and sliced to {@code k}.
     */
    @ParameterizedTest(name = "[{0}] qy={1} db={2} {3} k={4} recall={5}")
    @MethodSource("pmapCases")
    void testPmap(Target t, Shape qyShape, Shape dbShape, DataType dtype, int k, double recall) {
        int numDevices = 2;
        INDArray qy = Conformance.randDefault(seed("pmap-qy", qyShape), dtype, qyShape.dims());
        INDArray db = Conformance.randDefault(seed("pmap-db", dbShape), dtype, dbShape.dims());
        int dbSize = dbShape.dims()[0];
        int dbPerDevice = dbSize / numDevices;

        TopK gt = Jit.jit((Tensor q, Tensor d) -> topK(neg(dotGeneral(q, d, new int[] {1}, new int[] {1})), k),
                t.config()).call(qy, db);

        ApproxTopKOptions options = ApproxTopKOptions.k(k).reductionDimension(1).recallTarget(recall)
                .reductionInputSizeOverride(dbSize).aggregateToTopk(false);
        Tensor annArgs = Jit.jit((Tensor q, Tensor d) -> {
            Tensor[] vals = new Tensor[numDevices];
            Tensor[] args = new Tensor[numDevices];
            for (int dev = 0; dev < numDevices; dev++) {
                Tensor shard = sliceInDim(d, dev * dbPerDevice, (dev + 1) * dbPerDevice, 0);
                Tensor scores = dotGeneral(q, shard, new int[] {1}, new int[] {1});
                TopK r = approxMinK(scores, options);
                vals[dev] = r.values();
                args[dev] = add(r.indices(), constant(dev * dbPerDevice, DType.I32));
            }
            KeyValue sorted = sortKeyVal(concatenate(1, vals), concatenate(1, args), 1);
            return sliceInDim(sorted.values(), 0, k, 1);
        }, t.config()).call(qy, db);

        assertArrayEquals(new int[] {qyShape.dims()[0], k}, annArgs.shape());
        double annRecall = Ann.recall(annArgs, gt.indices());
        assertTrue(annRecall > recall, "recall " + annRecall + " <= " + recall);
    }

    // ---- test_vmap_before / test_vmap_after ----

    static Stream<Target> targets() {
        return Conformance.targetStream();
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("targets")
    void testVmapBefore(Target t) {
        int batch = 4;
        int qySize = 128;
        int dbSize = 1024;
        int featureDim = 32;
        int k = 10;
        double recall = 0.95;
        INDArray qy = Conformance.randDefault(11, DataType.FLOAT, batch, qySize, featureDim);
        INDArray db = Conformance.randDefault(12, DataType.FLOAT, batch, dbSize, featureDim);

        // Ground truth.
        Tensor gtArgs = Jit.jit((Tensor q, Tensor d) -> {
            Tensor gtScores = dotGeneral(q, d, new int[] {2}, new int[] {2}, new int[] {0}, new int[] {0});
            return reshape(topK(gtScores, k).indices(), qySize * batch, k);
        }, t.config()).call(qy, db);

        // The target.
        BiFunction<Tensor, Tensor, TopK> approx = (q, d) -> approxMaxK(dot(q, transpose(d)), k);
        BiFunction<Tensor, Tensor, TopK> batched = Vmap.vmap(approx, 0, 0);
        Tensor annArgs = Jit.jit((Tensor q, Tensor d) -> reshape(batched.apply(q, d).indices(), qySize * batch, k),
                t.config()).call(qy, db);

        double annRecall = Ann.recall(annArgs, gtArgs);
        double floor = t.recallFloor(recall, (long) qySize * batch * k);
        assertTrue(annRecall > floor, "recall " + annRecall + " <= " + floor + " (target " + recall + ")");
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("targets")
    void testVmapAfter(Target t) {
        int batch = 8;
        int qySize = 128;
        int dbSize = 1024;
        int featureDim = 32;
        int k = 10;
        double recall = 0.95;
        INDArray qy = Conformance.randDefault(21, DataType.FLOAT, qySize, featureDim, batch);
        INDArray db = Conformance.randDefault(22, DataType.FLOAT, dbSize, featureDim, batch);

        // Ground truth, transposed and reshaped as JAX's test does.
        Tensor gtArgs = Jit.jit((Tensor q, Tensor d) -> {
            Tensor gtScores = dotGeneral(q, d, new int[] {1}, new int[] {1}, new int[] {2}, new int[] {2});
            Tensor args = topK(gtScores, k).indices();
            return reshape(transpose(args, 2, 0, 1), qySize * batch, k);
        }, t.config()).call(qy, db);

        BiFunction<Tensor, Tensor, TopK> approx = (q, d) -> approxMaxK(dot(q, transpose(d)), k);
        BiFunction<Tensor, Tensor, TopK> batched = Vmap.vmap(approx, 2, 2);
        Tensor annArgs = Jit.jit((Tensor q, Tensor d) ->
                reshape(transpose(batched.apply(q, d).indices(), 2, 0, 1), qySize * batch, k), t.config()).call(qy, db);

        double annRecall = Ann.recall(annArgs, gtArgs);
        if (!t.recallInExpectation()) {
            assertTrue(annRecall > recall, "recall " + annRecall + " <= " + recall);
            return;
        }
        // JAX's transpose above mixes ten queries into each compared row, which turns the recall
        // into agreement position by position; a plan that meets the target in expectation only
        // is held to the recall itself, query by query
        Tensor gtRows = Jit.jit((Tensor q, Tensor d) -> reshape(topK(dotGeneral(q, d, new int[] {1}, new int[] {1},
                new int[] {2}, new int[] {2}), k).indices(), qySize * batch, k), t.config()).call(qy, db);
        Tensor annRows = Jit.jit((Tensor q, Tensor d) -> reshape(batched.apply(q, d).indices(), qySize * batch, k),
                t.config()).call(qy, db);
        double trueRecall = Ann.recall(annRows, gtRows);
        double floor = t.recallFloor(recall, (long) qySize * batch * k);
        assertTrue(trueRecall >= floor, "recall " + trueRecall + " < " + floor + " (target " + recall + ")");
    }

    /**
     * Not in JAX's file: calls JAX accepts because XLA's size function returns before it checks
     * the recall target or the override, run on every backend with XLA's output sizes. A recall
     * target outside (0, 1] is planned as exact (what XLA's CPU fallback computes).
     */
    @ParameterizedTest(name = "[{0}]")
    @MethodSource("targets")
    void callsXlaAcceptsWithoutReadingRecallOrOverride(Target t) {
        Shape qyShape = new Shape(200, 128);
        Shape dbShape = new Shape(128, 500);
        Tensor scores = scores(t, qyShape, dbShape, DataType.FLOAT);
        float[][] s = scores.array().toFloatMatrix();
        assertEquals(DType.F32, scores.dtype());
        TopK exact = Jit.jit((Tensor x) -> topK(x, 10), t.config()).call(scores);
        for (double recall : new double[] {1.5, -0.5, 0.0}) {
            // aggregateToTopk: XLA returns k before it reads the recall
            TopK r = Jit.jit((Tensor x) -> approxMaxK(x, ApproxTopKOptions.k(10).recallTarget(recall)), t.config()).call(scores);
            assertArrayEquals(new int[] {200, 10}, r.indices().shape(), "recall " + recall);
            assertArrayEquals(exact.indicesMatrix(), r.indicesMatrix(),
                    "planned as exact at recall " + recall);
            // k = 1 over 500 > 128 columns: XLA returns 128 (one per bin) before it reads the recall
            TopK one = Jit.jit((Tensor x) -> approxMaxK(x, ApproxTopKOptions.k(1).recallTarget(recall).aggregateToTopk(false)),
                    t.config()).call(scores);
            assertArrayEquals(new int[] {200, 128}, one.indices().shape(), "k=1, recall " + recall);
            float[][] v = one.valuesMatrix();
            int[][] ix = one.indicesMatrix();
            float[][] best = exact.valuesMatrix();
            for (int row = 0; row < 200; row++) {
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < 128; j++) {
                    assertEquals(s[row][ix[row][j]], v[row][j], "value at its index");
                    max = Math.max(max, v[row][j]);
                }
                assertEquals(best[row][0], max, "the row's best is some bin's winner");
            }
        }
        // NaN passes XLA's range check and its arithmetic keeps 256 at N=500, k=10; aggregated, k
        TopK nan = Jit.jit((Tensor x) -> approxMaxK(x, ApproxTopKOptions.k(10).recallTarget(Double.NaN).aggregateToTopk(false)),
                t.config()).call(scores);
        assertArrayEquals(new int[] {200, 256}, nan.indices().shape());
        TopK nanAgg = Jit.jit((Tensor x) -> approxMaxK(x, ApproxTopKOptions.k(10).recallTarget(Double.NaN)), t.config()).call(scores);
        assertArrayEquals(new int[] {200, 10}, nanAgg.indices().shape());
        int[][] nanIx = nanAgg.indicesMatrix();
        float[][] nanV = nanAgg.valuesMatrix();
        for (int row = 0; row < 200; row++) {
            for (int j = 0; j < 10; j++) {
                assertEquals(s[row][nanIx[row][j]], nanV[row][j], "NaN recall: value at its index");
            }
        }
        // planned with XLA's 256 bins at N=500: expected recall ((L-1)/L)^(k-1) = 0.965
        assertTrue(Ann.recall(nanAgg.indices(), exact.indices()) >= 0.9, "NaN recall, aggregated");
        // any negative override is none: N=500, k=10, r=0.95 keeps 256 (as with -1)
        for (long override : new long[] {-2, -1000}) {
            TopK r = Jit.jit((Tensor x) -> approxMaxK(x, ApproxTopKOptions.k(10).reductionInputSizeOverride(override)
                    .aggregateToTopk(false)), t.config()).call(scores);
            assertArrayEquals(new int[] {200, 256}, r.indices().shape(), "override " + override);
        }
        // an override below the size: accepted when XLA returns first (aggregateToTopk, or N <= 128)
        TopK agg = Jit.jit((Tensor x) -> approxMaxK(x, ApproxTopKOptions.k(10).reductionInputSizeOverride(499)), t.config())
                .call(scores);
        assertArrayEquals(new int[] {200, 10}, agg.indices().shape());
        assertTrue(Ann.recall(agg.indices(), exact.indices()) >= 0.95 * 0.9);
        Tensor small = scores(t, new Shape(4, 128), new Shape(128, 100), DataType.FLOAT);
        TopK fits = Jit.jit((Tensor x) -> approxMaxK(x, ApproxTopKOptions.k(10).reductionInputSizeOverride(50)
                .aggregateToTopk(false)), t.config()).call(small);
        assertArrayEquals(new int[] {4, 100}, fits.indices().shape(), "N <= 128 returns N before the override is read");
    }
}
