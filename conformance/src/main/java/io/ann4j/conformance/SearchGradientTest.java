package io.ann4j.conformance;

import io.ann4j.dsl.*;

import static io.ann4j.dsl.Ops.approxMaxK;
import static io.ann4j.dsl.Ops.approxMinK;
import static io.ann4j.dsl.Ops.dot;
import static io.ann4j.dsl.Ops.mul;
import static io.ann4j.dsl.Ops.sum;
import static io.ann4j.dsl.Ops.topK;
import static io.ann4j.dsl.Ops.transpose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.ir.Node;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.ir.Value;
import io.ann4j.compiler.ops.FusedRegion;
import java.util.List;
import java.util.function.BiFunction;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The gradient of a search: equal to the dense reference (JAX's CPU way: the cotangent scattered
 * into {@code [Q, N]} and multiplied back), sparse in the compiled plan (no {@code [Q, N]} value
 * outside the fused forward pass), the same bits on one or two threads, and exact with respect to
 * the returned indices.
 */
class SearchGradientTest {
    static final int Q = 16;
    static final int N = 3000;
    static final int D = 24;
    static final int K = 5;

    static INDArray randn(long seed, DataType t, int... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(t, java.util.Arrays.stream(shape).asLongStream().toArray());
    }

    /** Scores per metric: ip, l2 (|db|^2/2 - qy.db, smaller is better) and cosine. */
    static Tensor scores(String metric, Tensor qy, Tensor db) {
        return switch (metric) {
            case "ip" -> Similarity.ip(qy, db);
            case "l2" -> Similarity.l2(qy, db);
            case "cosine" -> Similarity.cosine(qy, db);
            default -> throw new IllegalArgumentException(metric);
        };
    }

    /** The loss whose gradient the bench times: the sum of the top-k scores, weighted per slot. */
    static Tensor loss(String metric, Tensor qy, Tensor db, Tensor w, ApproxTopKOptions o) {
        TopK r = metric.equals("l2") ? approxMinK(scores(metric, qy, db), o) : approxMaxK(scores(metric, qy, db), o);
        return sum(mul(r.values(), w));
    }

    private static List<TensorType> types(INDArray... a) {
        return java.util.Arrays.stream(a).map(x -> Tensor.of(x).type()).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ip", "l2", "cosine"})
    void theBackwardNeverFormsAQueriesByDatabaseValue(String metric) {
        for (ApproxTopKOptions o : List.of(ApproxTopKOptions.k(K), ApproxTopKOptions.k(K).aggregateToTopk(false),
                ApproxTopKOptions.k(K).reductionInputSizeOverride(4 * N))) {
            int width = outputWidth(metric, o);
            var grad = Jit.jitVarargs(a -> Autodiff.valueAndGradVarargs(x -> loss(metric, x[0], x[1], x[2], o), 0, 1).apply(a).grads(),
                    JitConfig.defaults());
            Graph plan = grad.optimizedGraph(types(randn(1, DataType.FLOAT, Q, D), randn(2, DataType.FLOAT, N, D),
                    Nd4j.ones(DataType.FLOAT, Q, width)));
            for (Node n : plan.nodes()) {
                if (n.op() instanceof FusedRegion) {
                    continue; // the forward search: one tiled pass, its [Q, N] tiles never materialised
                }
                for (Value v : n.outputs()) {
                    assertTrue(!(v.type().rank() == 2 && v.type().dim(0) == Q && v.type().dim(1) == N),
                            () -> metric + " " + o + ": the plan computes " + v + " with " + n.op().name() + ":\n" + plan);
                }
            }
            assertEquals(1, plan.nodes().stream().filter(n -> n.op() instanceof FusedRegion).count(), plan::toString);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ip", "l2", "cosine"})
    void forwardModeTakesTheTangentAtTheSelectedRowsOnly(String metric) {
        INDArray qy = randn(14, DataType.FLOAT, Q, D);
        INDArray db = randn(15, DataType.FLOAT, N, D);
        INDArray tq = randn(16, DataType.FLOAT, Q, D);
        INDArray td = randn(17, DataType.FLOAT, N, D);
        java.util.function.Function<Tensor[], Tensor> f = x -> (metric.equals("l2")
                ? approxMinK(scores(metric, x[0], x[1]), K) : approxMaxK(scores(metric, x[0], x[1]), K)).values();
        var jvp = Jit.jitVarargs(a -> Autodiff.jvp(f, new Tensor[] {a[0], a[1]}, new Tensor[] {a[2], a[3]}).tangentOut(),
                JitConfig.defaults());
        Graph plan = jvp.optimizedGraph(types(qy, db, tq, td));
        for (Node n : plan.nodes()) {
            if (!(n.op() instanceof FusedRegion)) {
                for (Value v : n.outputs()) {
                    assertTrue(!(v.type().rank() == 2 && v.type().dim(0) == Q && v.type().dim(1) == N),
                            () -> metric + ": the tangent plan computes " + v + " with " + n.op().name() + ":\n" + plan);
                }
            }
        }
        // and it is the tangent of the selected scores (central differences in f64, small enough
        // steps that no near-tie changes the selection)
        Tensor[] x64 = {Tensor.of(qy.castTo(DataType.DOUBLE)), Tensor.of(db.castTo(DataType.DOUBLE))};
        CheckGrads.checkFwd(f, x64, 1e-6, 1e-5, new java.util.Random(18));
        CheckGrads.checkRev(f, x64, 1e-9, new java.util.Random(19));
    }

    private static int outputWidth(String metric, ApproxTopKOptions o) {
        Tensor probe = Tensor.of(Nd4j.zeros(DataType.FLOAT, Q, N));
        return Jit.jit((Tensor s) -> approxMaxK(s, o)).graph(List.of(probe.type()))
                .resultTypes().get(0).dim(1);
    }

    /** The dense reference: the cotangent scattered into [Q, N], then two products (what JAX runs on the CPU). */
    static INDArray[] denseReference(INDArray qy, INDArray db, INDArray idx, INDArray w) {
        INDArray ct = Nd4j.zeros(qy.dataType(), qy.size(0), db.size(0));
        for (int i = 0; i < idx.size(0); i++) {
            for (int j = 0; j < idx.size(1); j++) {
                int col = idx.getInt(i, j);
                ct.putScalar(i, col, ct.getDouble(i, col) + w.getDouble(i, j));
            }
        }
        return new INDArray[] {ct.mmul(db), ct.transpose().mmul(qy)};
    }

    @Property(tries = 6)
    void theSparseBackwardEqualsTheDenseReference(@ForAll @IntRange(min = 0, max = 1000) int seed) {
        INDArray qy = randn(seed, DataType.FLOAT, Q, D);
        INDArray db = randn(seed + 1, DataType.FLOAT, N, D);
        INDArray w = randn(seed + 2, DataType.FLOAT, Q, K);
        ApproxTopKOptions o = ApproxTopKOptions.k(K).recallTarget(0.9);
        var fwd = Jit.jit((Tensor q, Tensor d) -> approxMaxK(dot(q, transpose(d)), o));
        var grad = Jit.jitVarargs(a -> Autodiff.valueAndGradVarargs(x -> loss("ip", x[0], x[1], x[2], o), 0, 1).apply(a).grads(),
                JitConfig.defaults());
        Tensor[] g = grad.call(qy, db, w);
        INDArray[] ref = denseReference(qy, db, fwd.call(qy, db).indicesArray(), w);
        CheckGrads.assertClose(ref[0], g[0].array(), 1e-5, "d qy");
        CheckGrads.assertClose(ref[1], g[1].array(), 1e-5, "d db");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ip", "l2", "cosine"})
    void theGradientIsTheSameBitsOnOneOrTwoThreads(String metric) {
        INDArray qy = randn(3, DataType.FLOAT, Q, D);
        INDArray db = randn(4, DataType.FLOAT, N, D);
        INDArray w = randn(5, DataType.FLOAT, Q, K);
        var grad = Jit.jitVarargs(a -> Autodiff.valueAndGradVarargs(x -> loss(metric, x[0], x[1], x[2], ApproxTopKOptions.k(K)), 0, 1)
                .apply(a).grads(), JitConfig.defaults());
        Tensor[] both = grad.call(qy, db, w);
        int cores = Runtime.getRuntime().availableProcessors();
        Tensor[] one = io.ann4j.compiler.spi.Backends.get(io.ann4j.compiler.spi.Backends.defaultName()).devices()
                .runOnDevice(cores, () -> grad.call(qy, db, w)); // a device's share: one core
        assertEquals(both[0].array(), one[0].array());
        assertEquals(both[1].array(), one[1].array());
    }

    @Test
    void theRowSparseGradientEqualsTheDenseOne() {
        INDArray qy = randn(6, DataType.FLOAT, Q, D);
        INDArray db = randn(7, DataType.FLOAT, N, D);
        INDArray w = randn(8, DataType.FLOAT, Q, K);
        for (String metric : List.of("ip", "l2", "cosine")) {
            var dense = Autodiff.valueAndGradVarargs(x -> loss(metric, x[0], x[1], x[2], ApproxTopKOptions.k(K)), 0, 1);
            var sparse = Autodiff.valueAndGradRowSparse(x -> loss(metric, x[0], x[1], x[2], ApproxTopKOptions.k(K)),
                    new int[] {0, 1}, 1);
            Tensor[] args = {Tensor.of(qy), Tensor.of(db), Tensor.of(w)};
            Autodiff.ValueAndGrad d = dense.apply(args);
            Autodiff.SparseValueAndGrad s = sparse.apply(args);
            CheckGrads.assertClose(d.grad(0).array(), s.dense(0).array(), 1e-6, metric + " d qy");
            RowSparseGradient rows = s.sparse(1);
            assertTrue(rows.coalesce().ids().length <= Q * K, metric + ": touched rows");
            CheckGrads.assertClose(d.grad(1).array(), rows.toDense(), 1e-5, metric + " d db");
        }
    }

    @Test
    void atRecallOneTheGradientIsTheExactTopKs() {
        INDArray x = randn(9, DataType.DOUBLE, 6, 200);
        INDArray w = randn(10, DataType.DOUBLE, 6, K);
        BiFunction<Tensor, Tensor, Tensor> approx = (s, ww) -> sum(mul(approxMaxK(s, ApproxTopKOptions.k(K).recallTarget(1.0)).values(), ww));
        BiFunction<Tensor, Tensor, Tensor> exact = (s, ww) -> sum(mul(topK(s, K).values(), ww));
        Tensor ga = Autodiff.grad(approx, 0).apply(Tensor.of(x), Tensor.of(w))[0];
        Tensor ge = Autodiff.grad(exact, 0).apply(Tensor.of(x), Tensor.of(w))[0];
        assertEquals(ge.array(), ga.array());
    }

    @Property(tries = 8)
    void atAnyRecallTheGradientIsTheExactOneRestrictedToTheReturnedIndices(@ForAll @IntRange(min = 0, max = 1000) int seed,
                                                                         @ForAll @IntRange(min = 1, max = 4) int recallStep) {
        double recall = new double[] {0.5, 0.8, 0.9, 0.95}[recallStep - 1];
        INDArray x = randn(seed, DataType.DOUBLE, 4, 500);
        INDArray w = randn(seed + 1, DataType.DOUBLE, 4, K);
        ApproxTopKOptions o = ApproxTopKOptions.k(K).recallTarget(recall);
        TopK r = Jit.jit((Tensor s) -> approxMaxK(s, o)).call(x);
        Tensor g = Autodiff.grad((Tensor s, Tensor ww) -> sum(mul(approxMaxK(s, o).values(), ww)), 0)
                .apply(Tensor.of(x), Tensor.of(w))[0];
        INDArray expected = Nd4j.zeros(DataType.DOUBLE, 4, 500);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < K; j++) {
                int col = r.indicesArray().getInt(i, j);
                expected.putScalar(i, col, expected.getDouble(i, col) + w.getDouble(i, j));
            }
        }
        assertEquals(expected, g.array());
    }

    @Test
    void theExactTopKGradientRuleFollowsTheExactSelection() {
        INDArray x = randn(11, DataType.DOUBLE, 3, 2000);
        ApproxTopKOptions low = ApproxTopKOptions.k(K).recallTarget(0.5).gradient(ApproxTopKOptions.Gradient.EXACT_TOPK);
        Tensor g = Autodiff.grad((Tensor s) -> sum(approxMaxK(s, low).values())).apply(Tensor.of(x));
        Tensor exact = Autodiff.grad((Tensor s) -> sum(topK(s, K).values())).apply(Tensor.of(x));
        assertEquals(exact.array(), g.array());
        // and forward mode agrees with reverse mode through the same rule
        CheckGrads.checkRev(a -> approxMaxK(a[0], low).values(), new Tensor[] {Tensor.of(x)}, 1e-9, new java.util.Random(1));
    }

}
