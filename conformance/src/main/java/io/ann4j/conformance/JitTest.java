package io.ann4j.conformance;

import io.ann4j.dsl.*;

import static io.ann4j.dsl.Ops.add;
import static io.ann4j.dsl.Ops.approxMaxK;
import static io.ann4j.dsl.Ops.approxMinK;
import static io.ann4j.dsl.Ops.dot;
import static io.ann4j.dsl.Ops.mul;
import static io.ann4j.dsl.Ops.topK;
import static io.ann4j.dsl.Ops.transpose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.ir.Node;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.ops.FusedRegion;
import io.ann4j.compiler.ops.Transpose;
import io.ann4j.conformance.Conformance.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Tracing, caching, thread safety, input kinds, eager mode and the optimised graph. */
class JitTest {

    static Stream<Target> targets() {
        return Conformance.targetStream();
    }

    static Stream<Target> backends() {
        return Conformance.backendStream();
    }

    private static int[] ints(Tensor t) {
        return Conformance.ints(t);
    }

    private static double[] doubles(Tensor t) {
        return Conformance.doubles(t);
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("targets")
    void sameSignatureTracesOnce(Target t) {
        AtomicInteger lambdaRuns = new AtomicInteger();
        Jitted<TopK> f = Jit.jit((Tensor qy, Tensor db) -> {
            lambdaRuns.incrementAndGet();
            return approxMaxK(dot(qy, transpose(db)), 3);
        }, t.config());
        Random rnd = new Random(1);
        INDArray qy = Conformance.gaussian(rnd, 1, DataType.FLOAT, 4, 8);
        INDArray db = Conformance.gaussian(rnd, 1, DataType.FLOAT, 50, 8);
        TopK first = f.call(qy, db);
        TopK second = f.call(qy, db);
        assertEquals(1, f.traceCount(), "same signature: traced once");
        assertEquals(1, lambdaRuns.get(), "the Java lambda ran once");
        assertArrayEquals(ints(first.indices()), ints(second.indices()));

        // Same shapes, other data: still cached.
        f.call(Conformance.gaussian(rnd, 1, DataType.FLOAT, 4, 8), Conformance.gaussian(rnd, 1, DataType.FLOAT, 50, 8));
        assertEquals(1, f.traceCount());

        // A new shape traces again; then it is cached too.
        f.call(Conformance.gaussian(rnd, 1, DataType.FLOAT, 5, 8), db);
        assertEquals(2, f.traceCount(), "a new shape traces again");
        f.call(Conformance.gaussian(rnd, 1, DataType.FLOAT, 5, 8), db);
        assertEquals(2, f.traceCount());

        // A new dtype is a new signature too.
        f.call(qy.castTo(DataType.DOUBLE), db.castTo(DataType.DOUBLE));
        assertEquals(3, f.traceCount(), "a new dtype traces again");

        // The first signature is still cached.
        f.call(qy, db);
        assertEquals(3, f.traceCount());
        assertEquals(3, lambdaRuns.get());
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("targets")
    void concurrentCallsGiveTheSingleThreadedResult(Target t) throws Exception {
        Jitted<TopK> f = Jit.jit((Tensor qy, Tensor db) -> approxMaxK(dot(qy, transpose(db)), 10), t.config());
        Random rnd = new Random(2);
        INDArray qy = Conformance.gaussian(rnd, 3, DataType.FLOAT, 64, 32);
        INDArray db = Conformance.gaussian(rnd, 3, DataType.FLOAT, 3000, 32);
        TopK expected = f.call(qy, db);
        int[] expectedIdx = ints(expected.indices());
        double[] expectedVals = doubles(expected.values());

        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<List<TopK>>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    List<TopK> out = new ArrayList<>();
                    for (int rep = 0; rep < 5; rep++) {
                        out.add(f.call(qy, db));
                    }
                    return out;
                }));
            }
            for (Future<List<TopK>> fu : futures) {
                for (TopK r : fu.get(120, TimeUnit.SECONDS)) {
                    assertArrayEquals(expectedIdx, ints(r.indices()), "indices from another thread");
                    assertArrayEquals(expectedVals, doubles(r.values()), "values from another thread");
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, f.traceCount());
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("targets")
    void concurrentFirstCallsTraceOnce(Target t) throws Exception {
        AtomicInteger lambdaRuns = new AtomicInteger();
        Jitted<TopK> f = Jit.jit((Tensor qy, Tensor db) -> {
            lambdaRuns.incrementAndGet();
            return approxMinK(dot(qy, transpose(db)), 5);
        }, t.config());
        Random rnd = new Random(3);
        INDArray qy = Conformance.gaussian(rnd, 3, DataType.FLOAT, 16, 16);
        INDArray db = Conformance.gaussian(rnd, 3, DataType.FLOAT, 700, 16);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<TopK> results = new ArrayList<>();
        try {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<TopK>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    return f.call(qy, db);
                }));
            }
            for (Future<TopK> fu : futures) {
                results.add(fu.get(120, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, f.traceCount(), "8 concurrent first calls trace once");
        assertEquals(1, lambdaRuns.get());
        int[] idx = ints(results.get(0).indices());
        for (TopK r : results) {
            assertArrayEquals(idx, ints(r.indices()));
        }
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("backends")
    void javaArrayInputs(Target t) {
        float[][] qy = {{1, 0}, {0, 1}, {1, 1}};
        float[][] db = {{1, 2}, {3, -1}, {-2, -2}, {0.5f, 0.5f}};
        TopK r = Jit.jit((Tensor a, Tensor b) -> approxMaxK(dot(a, transpose(b)), 2), t.config()).call(qy, db);
        // scores: row 0 = [1, 3, -2, 0.5]; row 1 = [2, -1, -2, 0.5]; row 2 = [3, 2, -4, 1]
        assertArrayEquals(new int[] {3, 2}, r.indices().shape());
        assertArrayEquals(new int[] {1, 0, 0, 3, 0, 1}, ints(r.indices()));
        assertArrayEquals(new double[] {3, 1, 2, 0.5, 3, 2}, doubles(r.values()));
        assertEquals(DType.F32, r.values().dtype());

        float[] vector = {0.5f, -1, 7, 2, 7, -0.0f};
        TopK v = Jit.jit((Tensor x) -> approxMaxK(x, 3), t.config()).call(vector);
        assertArrayEquals(new int[] {3}, v.indices().shape());
        assertArrayEquals(new int[] {2, 4, 3}, ints(v.indices()));
        assertArrayEquals(new double[] {7, 7, 2}, doubles(v.values()));

        // float[] is a vector: matrix-vector product.
        Tensor mv = Jit.jit((Tensor a, Tensor b) -> dot(a, b), t.config()).call(db, new float[] {1, 1});
        assertArrayEquals(new int[] {4}, mv.shape());
        assertArrayEquals(new double[] {3, 2, -4, 1}, doubles(mv));

        // Tensors and INDArrays are accepted as well.
        Tensor viaTensor = Jit.jit((Tensor a, Tensor b) -> dot(a, b), t.config()).call(Tensor.of(db),
                Tensor.of(new float[] {1, 1}, 2));
        assertArrayEquals(new double[] {3, 2, -4, 1}, doubles(viaTensor));
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("backends")
    void eagerOpsOnConcreteTensors(Target t) {
        Tensor db = Tensor.of(new float[][] {{1, 0}, {0, 1}, {1, 1}});
        Tensor qy = Tensor.of(new float[][] {{1, 2}});
        assertTrue(db.isConcrete());
        Tensor scores = dot(qy, transpose(db));
        assertTrue(scores.isConcrete(), "an op on concrete tensors runs at once");
        assertArrayEquals(new int[] {1, 3}, scores.shape());
        assertArrayEquals(new double[] {1, 2, 3}, doubles(scores));
        TopK best = approxMaxK(scores, 2);
        assertArrayEquals(new int[] {2, 1}, ints(best.indices()));
        assertArrayEquals(new double[] {3, 2}, doubles(best.values()));
        Tensor shifted = add(mul(scores, 2.0), 1.0);
        assertArrayEquals(new double[] {3, 5, 7}, doubles(shifted));

        // Eager results agree with the jitted ones on this target.
        Random rnd = new Random(4);
        Tensor a = Tensor.of(Conformance.gaussian(rnd, 3, DataType.FLOAT, 7, 12));
        Tensor b = Tensor.of(Conformance.gaussian(rnd, 3, DataType.FLOAT, 300, 12));
        TopK eager = topK(dot(a, transpose(b)), 6);
        TopK jitted = Jit.jit((Tensor x, Tensor y) -> topK(dot(x, transpose(y)), 6), t.config()).call(a, b);
        assertArrayEquals(ints(jitted.indices()), ints(eager.indices()));
        double[] ev = doubles(eager.values());
        double[] jv = doubles(jitted.values());
        for (int i = 0; i < ev.length; i++) {
            assertEquals(jv[i], ev[i], 1e-4 * Math.max(1, Math.abs(jv[i])));
        }

        // A symbolic tensor has no data.
        Jit.jit((Tensor x) -> {
            assertFalse(x.isConcrete());
            assertThrows(IllegalStateException.class, x::array);
            return x;
        }, t.config()).call(new float[] {1});
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("backends")
    void oneMatrixArgument(Target t) {
        // A float[][] is an Object[] too: a one-argument function must still take it as one matrix.
        float[][] one = {{1, 5, 3}};
        Jitted<TopK> f = Jit.jit((Tensor x) -> approxMaxK(x, 2), t.config());
        TopK r = f.call((Object) one);
        assertArrayEquals(new int[] {1, 2}, r.indices().shape());
        assertArrayEquals(new int[] {1, 2}, ints(r.indices()));
        TopK direct = f.call(one);
        assertArrayEquals(new int[] {1, 2}, direct.indices().shape(), "call(float[][]) takes one matrix, not its rows");
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("targets")
    void viewsAndNonContiguousInputs(Target t) {
        Random rnd = new Random(6);
        INDArray qyBig = Conformance.gaussian(rnd, 3, DataType.FLOAT, 20, 16);
        INDArray dbF = Conformance.gaussian(rnd, 3, DataType.FLOAT, 16, 400).transpose();      // [400,16], f order
        INDArray qyView = qyBig.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(3, 13),
                org.nd4j.linalg.indexing.NDArrayIndex.all());                                   // rows 3..12, offset
        INDArray dbStrided = Conformance.gaussian(rnd, 3, DataType.FLOAT, 400, 32)
                .get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2, 32));             // every 2nd column
        Jitted<List<Tensor>> f = Jit.jit((Tensor qy, Tensor db) -> {
            Tensor scores = dot(qy, transpose(db));
            TopK a = approxMaxK(scores, 7);
            return List.of(scores, a.values(), a.indices());
        }, t.config());
        for (INDArray db : List.of(dbF, dbStrided)) {
            List<Tensor> viaViews = f.call(qyView, db);
            List<Tensor> viaCopies = f.call(qyView.dup('c'), db.dup('c'));
            // The product may take another gemm path for another layout: equal up to rounding.
            assertClose(doubles(viaCopies.get(0)), doubles(viaViews.get(0)), "scores from views");
            assertClose(doubles(viaCopies.get(1)), doubles(viaViews.get(1)), "values from views");
            assertArrayEquals(ints(viaCopies.get(2)), ints(viaViews.get(2)), "indices from views");
            // And both agree with plain ND4J arithmetic.
            INDArray expected = qyView.dup('c').mmul(db.dup('c').transpose());
            double[] got = doubles(viaViews.get(0));
            double[] want = Conformance.doubles(expected);
            for (int i = 0; i < got.length; i++) {
                assertEquals(want[i], got[i], 1e-4 * Math.max(1, Math.abs(want[i])), "score " + i);
            }
        }
    }

    private static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 * Math.max(1, Math.abs(expected[i])), what + " at " + i);
        }
    }

    /** Every node of a graph, fused regions' bodies included. */
    private static List<Node> allNodes(Graph g) {
        List<Node> out = new ArrayList<>();
        for (Node n : g.nodes()) {
            out.add(n);
            if (n.op() instanceof FusedRegion region) {
                out.addAll(allNodes(region.body()));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("backends")
    void transposeFoldsIntoTheDot(Target t) {
        List<TensorType> signature = List.of(TensorType.of(DType.F32, 16, 8), TensorType.of(DType.F32, 500, 8));
        for (JitConfig config : List.of(t.config(), t.unfused())) {
            Jitted<Tensor> scores = Jit.jit((Tensor qy, Tensor db) -> dot(qy, transpose(db)), config);
            Graph traced = scores.graph(signature);
            assertTrue(allNodes(traced).stream().anyMatch(n -> n.op() instanceof Transpose),
                    "the traced graph has the transpose");
            Graph optimized = scores.optimizedGraph(signature);
            assertNotNull(optimized);
            assertFalse(allNodes(optimized).stream().anyMatch(n -> n.op() instanceof Transpose),
                    "no Transpose in the optimised graph (fuse=" + config.options().fuse() + "):\n" + optimized);

            Jitted<TopK> search = Jit.jit((Tensor qy, Tensor db) -> approxMaxK(dot(qy, transpose(db)), 10), config);
            Graph opt = search.optimizedGraph(signature);
            assertFalse(allNodes(opt).stream().anyMatch(n -> n.op() instanceof Transpose),
                    "no Transpose in the optimised search graph (fuse=" + config.options().fuse() + "):\n" + opt);
            assertEquals(config.options().fuse(), opt.nodes().stream().anyMatch(n -> n.op() instanceof FusedRegion),
                    "a fused region exactly when fusion is on:\n" + opt);
            // Asking for the graph traced it; calling with that signature does not trace again.
            Random rnd = new Random(5);
            search.call(Conformance.gaussian(rnd, 1, DataType.FLOAT, 16, 8), Conformance.gaussian(rnd, 1, DataType.FLOAT, 500, 8));
            assertEquals(1, search.traceCount());
        }
    }
}
