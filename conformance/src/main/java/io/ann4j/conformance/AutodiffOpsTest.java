package io.ann4j.conformance;

import io.ann4j.dsl.*;

import static io.ann4j.dsl.Ops.abs;
import static io.ann4j.dsl.Ops.add;
import static io.ann4j.dsl.Ops.approxMaxK;
import static io.ann4j.dsl.Ops.approxMinK;
import static io.ann4j.dsl.Ops.broadcastInDim;
import static io.ann4j.dsl.Ops.concatenate;
import static io.ann4j.dsl.Ops.convert;
import static io.ann4j.dsl.Ops.div;
import static io.ann4j.dsl.Ops.dot;
import static io.ann4j.dsl.Ops.dotGeneral;
import static io.ann4j.dsl.Ops.exp;
import static io.ann4j.dsl.Ops.gatherRows;
import static io.ann4j.dsl.Ops.log;
import static io.ann4j.dsl.Ops.logSumExp;
import static io.ann4j.dsl.Ops.maximum;
import static io.ann4j.dsl.Ops.minimum;
import static io.ann4j.dsl.Ops.mul;
import static io.ann4j.dsl.Ops.neg;
import static io.ann4j.dsl.Ops.normalizeRows;
import static io.ann4j.dsl.Ops.reduceMax;
import static io.ann4j.dsl.Ops.reshape;
import static io.ann4j.dsl.Ops.scatterAddRows;
import static io.ann4j.dsl.Ops.slice;
import static io.ann4j.dsl.Ops.sortKeyVal;
import static io.ann4j.dsl.Ops.sqrt;
import static io.ann4j.dsl.Ops.square;
import static io.ann4j.dsl.Ops.sub;
import static io.ann4j.dsl.Ops.sum;
import static io.ann4j.dsl.Ops.topK;
import static io.ann4j.dsl.Ops.transpose;

import io.ann4j.compiler.ir.DType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link CheckGrads} over every differentiable op, in f64, forward and reverse, orders 1 and 2,
 * on random shapes and values from jqwik. Operands are kept where the op is smooth (positive for
 * sqrt and log, away from zero for abs and division, distinct for max, sort and top-k), as JAX's
 * own tests do.
 */
class AutodiffOpsTest {

    /** An op under test: the function of its arguments and how to draw them for a shape (a, b). */
    record Case(Function<Tensor[], Tensor> f, ArgMaker args) {}

    interface ArgMaker {
        Tensor[] make(int a, int b, Random rnd);
    }

    static Tensor gauss(Random rnd, int... shape) {
        return Tensor.of(CheckGrads.random(java.util.Arrays.stream(shape).asLongStream().toArray(), rnd));
    }

    /** Distinct values (a shuffled arange scaled), so selections do not change under small moves. */
    static Tensor distinct(Random rnd, int... shape) {
        int n = java.util.Arrays.stream(shape).reduce(1, (x, y) -> x * y);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = i * 0.5 - n * 0.25;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            double t = d[i];
            d[i] = d[j];
            d[j] = t;
        }
        return Tensor.of(Nd4j.create(d, java.util.Arrays.stream(shape).asLongStream().toArray(), DataType.DOUBLE));
    }

    static Tensor positive(Random rnd, int... shape) {
        Tensor g = gauss(rnd, shape);
        return Tensor.of(org.nd4j.linalg.ops.transforms.Transforms.abs(g.array(), true).addi(0.5));
    }

    static final Map<String, Case> CASES = cases();

    private static Map<String, Case> cases() {
        Map<String, Case> m = new LinkedHashMap<>();
        m.put("add", new Case(x -> add(x[0], x[1]), (a, b, r) -> new Tensor[] {gauss(r, a, b), gauss(r, a, b)}));
        m.put("sub", new Case(x -> sub(x[0], x[1]), (a, b, r) -> new Tensor[] {gauss(r, a, b), gauss(r, a, b)}));
        m.put("mul", new Case(x -> mul(x[0], x[1]), (a, b, r) -> new Tensor[] {gauss(r, a, b), gauss(r, a, b)}));
        m.put("div", new Case(x -> div(x[0], x[1]), (a, b, r) -> new Tensor[] {gauss(r, a, b), positive(r, a, b)}));
        m.put("max", new Case(x -> maximum(x[0], x[1]), (a, b, r) -> new Tensor[] {distinct(r, a, b), add(distinct(r, a, b), 0.25)}));
        m.put("min", new Case(x -> minimum(x[0], x[1]), (a, b, r) -> new Tensor[] {distinct(r, a, b), add(distinct(r, a, b), 0.25)}));
        m.put("neg", new Case(x -> neg(x[0]), (a, b, r) -> new Tensor[] {gauss(r, a, b)}));
        m.put("sqrt", new Case(x -> sqrt(x[0]), (a, b, r) -> new Tensor[] {positive(r, a, b)}));
        m.put("square", new Case(x -> square(x[0]), (a, b, r) -> new Tensor[] {gauss(r, a, b)}));
        m.put("abs", new Case(x -> abs(x[0]), (a, b, r) -> new Tensor[] {add(distinct(r, a, b), 0.125)}));
        m.put("exp", new Case(x -> exp(x[0]), (a, b, r) -> new Tensor[] {gauss(r, a, b)}));
        m.put("log", new Case(x -> log(x[0]), (a, b, r) -> new Tensor[] {positive(r, a, b)}));
        m.put("reduceSum", new Case(x -> sum(x[0], 1), (a, b, r) -> new Tensor[] {gauss(r, a, b)}));
        m.put("reduceMax", new Case(x -> reduceMax(x[0], 0), (a, b, r) -> new Tensor[] {distinct(r, a, b)}));
        m.put("dot", new Case(x -> dot(x[0], transpose(x[1])), (a, b, r) -> new Tensor[] {gauss(r, a, 3), gauss(r, b, 3)}));
        m.put("dotGeneral batched", new Case(x -> dotGeneral(x[0], x[1], new int[] {2}, new int[] {1}, new int[] {0}, new int[] {0}),
                (a, b, r) -> new Tensor[] {gauss(r, 2, a, 3), gauss(r, 2, 3, b)}));
        m.put("transpose", new Case(x -> transpose(x[0]), (a, b, r) -> new Tensor[] {gauss(r, a, b)}));
        m.put("reshape", new Case(x -> reshape(x[0], a(x) * b(x)), (a, b, r) -> new Tensor[] {gauss(r, a, b)}));
        m.put("broadcastInDim", new Case(x -> broadcastInDim(x[0], new int[] {3, x[0].dim(0), 2}, new int[] {1}),
                (a, b, r) -> new Tensor[] {gauss(r, a)}));
        m.put("concatenate", new Case(x -> concatenate(0, x[0], x[1]), (a, b, r) -> new Tensor[] {gauss(r, a, b), gauss(r, 2, b)}));
        m.put("slice strided", new Case(x -> slice(x[0], new int[] {1, 0}, new int[] {x[0].dim(0), x[0].dim(1)}, new int[] {2, 1}),
                (a, b, r) -> new Tensor[] {gauss(r, a + 2, b)}));
        m.put("convert", new Case(x -> convert(convert(x[0], DType.F32), DType.F64), (a, b, r) -> new Tensor[] {gauss(r, a, b)}));
        m.put("gatherRows", new Case(x -> gatherRows(x[0], x[1]), (a, b, r) -> new Tensor[] {gauss(r, a + 1, b), indices(r, a + 1, 5)}));
        m.put("scatterAddRows", new Case(x -> scatterAddRows(x[0], x[1], 4, 0), (a, b, r) -> new Tensor[] {gauss(r, 6, b), indices(r, 4, 6)}));
        m.put("topK", new Case(x -> topK(x[0], 2).values(), (a, b, r) -> new Tensor[] {distinct(r, a, b + 2)}));
        m.put("approxMaxK", new Case(x -> approxMaxK(x[0], 2).values(), (a, b, r) -> new Tensor[] {distinct(r, a, b + 2)}));
        m.put("approxMinK axis 0", new Case(x -> approxMinK(x[0], ApproxTopKOptions.k(2).reductionDimension(0)).values(),
                (a, b, r) -> new Tensor[] {distinct(r, a + 2, b)}));
        m.put("sortKeyVal", new Case(x -> sortKeyVal(x[0], x[1], 1).values(), (a, b, r) -> new Tensor[] {distinct(r, a, b), gauss(r, a, b)}));
        m.put("logSumExp", new Case(x -> logSumExp(x[0], 1), (a, b, r) -> new Tensor[] {gauss(r, a, b)}));
        // rows kept away from zero norm, where normalisation is ill-conditioned for finite differences
        m.put("normalizeRows", new Case(x -> normalizeRows(x[0]), (a, b, r) -> new Tensor[] {positive(r, a, b)}));
        return m;
    }

    private static int a(Tensor[] x) {
        return x[0].dim(0);
    }

    private static int b(Tensor[] x) {
        return x[0].dim(1);
    }

    static Tensor indices(Random rnd, int bound, int count) {
        int[] idx = new int[count];
        for (int i = 0; i < count; i++) {
            idx[i] = rnd.nextInt(bound);
        }
        INDArray a = Nd4j.createFromArray(idx);
        return Tensor.of(a);
    }

    @Provide
    Arbitrary<String> ops() {
        return Arbitraries.of(CASES.keySet());
    }

    /** Every op at least once, whatever jqwik draws below. */
    @org.junit.jupiter.api.TestFactory
    java.util.stream.Stream<org.junit.jupiter.api.DynamicTest> everyOpOnAFixedShape() {
        return CASES.entrySet().stream().map(e -> org.junit.jupiter.api.DynamicTest.dynamicTest(e.getKey(), () -> {
            Random rnd = new Random(7);
            double tol = e.getKey().equals("convert") ? 1e-3 : 1e-5;
            CheckGrads.check(e.getValue().f(), e.getValue().args().make(2, 3, rnd), 2, 1e-4, tol, 7);
        }));
    }

    // A fixed seed, so that every run (CI's too) checks the same 100 cases; 1,800 more on seeds 1-6 passed.
    @Property(tries = 100, seed = "20261125")
    void everyOpPassesCheckGrads(@ForAll("ops") String op, @ForAll @IntRange(min = 1, max = 3) int a,
                                 @ForAll @IntRange(min = 1, max = 3) int b, @ForAll @IntRange(min = 0, max = 1000) int seed) {
        Case c = CASES.get(op);
        Random rnd = new Random(seed);
        Tensor[] args = c.args().make(a, b, rnd);
        // order 2 on every op; the f32 round trip of convert limits its accuracy
        double tol = op.equals("convert") ? 1e-3 : 1e-5;
        CheckGrads.check(c.f(), args, 2, 1e-4, tol, seed);
    }
}
