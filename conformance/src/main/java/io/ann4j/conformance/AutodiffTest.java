package io.ann4j.conformance;

import io.ann4j.dsl.*;

import static io.ann4j.dsl.Ops.add;
import static io.ann4j.dsl.Ops.approxMaxK;
import static io.ann4j.dsl.Ops.approxMinK;
import static io.ann4j.dsl.Ops.dot;
import static io.ann4j.dsl.Ops.exp;
import static io.ann4j.dsl.Ops.maximum;
import static io.ann4j.dsl.Ops.minimum;
import static io.ann4j.dsl.Ops.mul;
import static io.ann4j.dsl.Ops.square;
import static io.ann4j.dsl.Ops.sum;
import static io.ann4j.dsl.Ops.transpose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ann4j.compiler.ir.DType;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The transforms' API: JAX's ann autodiff test ported, composition, the custom-rule hook, errors. */
class AutodiffTest {

    static Stream<Arguments> jaxAutodiffCases() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (int[] shape : new int[][] {{4}, {5, 5}, {2, 1, 4}}) {
            for (int k : new int[] {1, 3}) {
                for (boolean isMax : new boolean[] {false, true}) {
                    b.add(Arguments.of(shape, k, isMax));
                }
            }
        }
        return b.build();
    }

    /**
     * JAX's {@code ann_test.test_autodiff}: distinct values (a shuffled arange), approx_max_k /
     * approx_min_k values, {@code check_grads} of order 2 in forward and reverse mode.
     */
    @ParameterizedTest
    @MethodSource("jaxAutodiffCases")
    void jaxAnnAutodiffTest(int[] shape, int k, boolean isMax) {
        int n = java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        double[] vals = new double[n];
        for (int i = 0; i < n; i++) {
            vals[i] = i;
        }
        Random rnd = new Random(n * 31L + k);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            double t = vals[i];
            vals[i] = vals[j];
            vals[j] = t;
        }
        Tensor x = Tensor.of(Nd4j.create(vals, java.util.Arrays.stream(shape).asLongStream().toArray(), DataType.DOUBLE));
        Function<Tensor[], Tensor> fn = isMax ? a -> approxMaxK(a[0], k).values() : a -> approxMinK(a[0], k).values();
        CheckGrads.check(fn, new Tensor[] {x}, 2, 1e-3, 1e-6, 42);
    }

    static INDArray randn(long seed, int... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.DOUBLE, java.util.Arrays.stream(shape).asLongStream().toArray());
    }

    @Test
    void gradComposesWithJit() {
        INDArray x = randn(1, 3, 4);
        var g = Autodiff.grad((Tensor t) -> sum(mul(square(t), t))); // d/dx sum(x^3) = 3x^2
        Jitted<Tensor> jitted = Jit.jit((Tensor t) -> g.apply(t));
        CheckGrads.assertClose(x.mul(x).muli(3), jitted.call(x).array(), 1e-12, "jit(grad(f))");
        CheckGrads.assertClose(x.mul(x).muli(3), g.apply(Tensor.of(x)).array(), 1e-12, "grad(f) eagerly");
    }

    @Test
    void gradOfGradIsTheSecondDerivative() {
        INDArray x = randn(2, 5);
        Function<Tensor, Tensor> first = Autodiff.grad((Tensor t) -> sum(mul(square(t), t)));
        Function<Tensor, Tensor> second = Autodiff.grad((Tensor t) -> sum(first.apply(t))); // d/dx sum(3x^2) = 6x
        CheckGrads.assertClose(x.mul(6), second.apply(Tensor.of(x)).array(), 1e-12, "grad(grad(f))");
    }

    @Test
    void vmapOfGradIsPerExampleGradients() {
        INDArray qs = randn(3, 4, 2, 6);  // 4 examples of [2, 6] queries
        INDArray db = randn(4, 30, 6);
        var perExample = Vmap.vmap((Tensor q, Tensor d) -> Autodiff.grad(
                (Tensor a, Tensor b) -> sum(approxMaxK(dot(a, transpose(b)), 3).values()), 0).apply(q, d)[0], 0, null);
        Tensor batched = Jit.jit(perExample).call(qs, db);
        for (int i = 0; i < 4; i++) {
            INDArray qi = qs.slice(i).dup('c');
            Tensor one = Autodiff.grad((Tensor a, Tensor b) -> sum(approxMaxK(dot(a, transpose(b)), 3).values()), 0)
                    .apply(Tensor.of(qi), Tensor.of(db))[0];
            CheckGrads.assertClose(one.array(), batched.array().slice(i), 1e-12, "example " + i);
        }
    }

    @Test
    void gradRunsInsidePmap() {
        int devices = 2;
        INDArray qy = randn(5, 3, 8);
        INDArray shards = randn(6, devices, 40, 8);
        Pmap.Pmapped<Tensor> perShard = Pmap.pmap((Tensor q, Tensor d) -> Autodiff.grad(
                (Tensor a, Tensor b) -> sum(approxMaxK(dot(a, transpose(b)), 4).values()), 1).apply(q, d)[0],
                PmapSpec.inAxes(null, 0));
        Tensor g = perShard.call(qy, shards);
        for (int s = 0; s < devices; s++) {
            Tensor one = Autodiff.grad((Tensor a, Tensor b) -> sum(approxMaxK(dot(a, transpose(b)), 4).values()), 1)
                    .apply(Tensor.of(qy), Tensor.of(shards.slice(s).dup('c')))[0];
            CheckGrads.assertClose(one.array(), g.array().slice(s), 1e-12, "shard " + s);
        }
    }

    @Test
    void valueAndGradFollowsArgnumsOrder() {
        INDArray a = randn(7, 3);
        INDArray b = randn(8, 3);
        var vg = Autodiff.valueAndGrad((Tensor x, Tensor y) -> sum(mul(x, exp(y))), 1, 0);
        Autodiff.ValueAndGrad r = vg.apply(Tensor.of(a), Tensor.of(b));
        assertEquals(a.mul(org.nd4j.linalg.ops.transforms.Transforms.exp(b)).sumNumber().doubleValue(),
                r.value().array().getDouble(0), 1e-12);
        CheckGrads.assertClose(a.mul(org.nd4j.linalg.ops.transforms.Transforms.exp(b)), r.grad(0).array(), 1e-12, "d/dy first");
        CheckGrads.assertClose(org.nd4j.linalg.ops.transforms.Transforms.exp(b), r.grad(1).array(), 1e-12, "d/dx second");
    }

    @Test
    void indicesGetNoCotangentAndIntegerArgumentsNone() {
        INDArray x = randn(9, 2, 10);
        var r = Autodiff.vjp(a -> approxMaxK(a[0], 3), Tensor.of(x));
        Tensor[] cts = r.pullback().apply(new TopK(Tensor.of(Nd4j.ones(DataType.DOUBLE, 2, 3)), r.primalOut().indices()));
        assertEquals(6.0, cts[0].array().sumNumber().doubleValue(), 0);
        var withInts = Autodiff.vjp(a -> Ops.gatherRows(a[0], a[1]), Tensor.of(x), Tensor.of(Nd4j.createFromArray(1, 0)));
        Tensor[] both = withInts.pullback().apply(Tensor.of(Nd4j.ones(DataType.DOUBLE, 2, 10)));
        assertNull(both[1]);
    }

    @Test
    void aCustomVjpReplacesTheDerivative() {
        // A straight-through clip: the forward clips to [-1, 1]; the backward passes the cotangent unchanged.
        Function<Tensor[], Tensor[]> clip = CustomDerivatives.customVjp("clip",
                x -> new Tensor[] {minimum(maximum(x[0], Ops.constant(-1, DType.F64)), Ops.constant(1, DType.F64))},
                (x, ct) -> new Tensor[] {ct[0]});
        INDArray x = Nd4j.createFromArray(-3.0, 0.5, 2.0);
        Tensor g = Autodiff.grad((Tensor t) -> sum(clip.apply(new Tensor[] {t})[0])).apply(Tensor.of(x));
        assertEquals(Nd4j.createFromArray(1.0, 1.0, 1.0), g.array());
        Tensor plain = Autodiff.grad((Tensor t) -> sum(minimum(maximum(t, Ops.constant(-1, DType.F64)), Ops.constant(1, DType.F64))))
                .apply(Tensor.of(x));
        assertEquals(Nd4j.createFromArray(0.0, 1.0, 0.0), plain.array());
        assertEquals(Nd4j.createFromArray(-1.0, 0.5, 1.0), clip.apply(new Tensor[] {Tensor.of(x)})[0].array());
        var err = assertThrows(IllegalArgumentException.class,
                () -> Autodiff.jvp(a -> clip.apply(a)[0], new Tensor[] {Tensor.of(x)}, new Tensor[] {Tensor.of(x)}));
        assertTrue(err.getMessage().contains("forward-mode") && err.getMessage().contains("clip"), err.getMessage());
    }

    @Test
    void aCustomJvpWorksForwardAndIsTransposedForReverse() {
        // exp with a rule that scales the tangent by 2 * exp(x): forward and reverse must agree on it.
        Function<Tensor[], Tensor[]> f = CustomDerivatives.customJvp("doubledExp",
                x -> new Tensor[] {exp(x[0])},
                (x, t) -> new Autodiff.JvpResult<>(new Tensor[] {exp(x[0])}, new Tensor[] {mul(mul(exp(x[0]), t[0]), 2.0)}));
        INDArray x = randn(10, 4);
        Tensor fwd = Autodiff.jvp(a -> f.apply(a)[0], new Tensor[] {Tensor.of(x)}, new Tensor[] {Tensor.of(Nd4j.onesLike(x))})
                .tangentOut();
        Tensor rev = Autodiff.grad((Tensor t) -> sum(f.apply(new Tensor[] {t})[0])).apply(Tensor.of(x));
        INDArray expected = org.nd4j.linalg.ops.transforms.Transforms.exp(x).muli(2);
        CheckGrads.assertClose(expected, fwd.array(), 1e-12, "jvp");
        CheckGrads.assertClose(expected, rev.array(), 1e-12, "grad");
    }

    @Test
    void aGradientThatIsNotRowSparseIsRefusedByName() {
        Tensor[] args = {Tensor.of(randn(13, 3, 4)), Tensor.of(randn(14, 20, 4))};
        // the database enters densely (its sum), so its gradient is dense everywhere
        var f = Autodiff.valueAndGradRowSparse(x -> add(sum(x[1]), sum(approxMaxK(dot(x[0], transpose(x[1])), 2).values())),
                new int[] {0, 1}, 1);
        var err = assertThrows(IllegalArgumentException.class, () -> f.apply(args));
        assertTrue(err.getMessage().contains("argument 1") && err.getMessage().contains("f64[20,4]")
                && err.getMessage().contains("not row-sparse"), err.getMessage());
        var notSelected = assertThrows(IllegalArgumentException.class,
                () -> Autodiff.valueAndGradRowSparse(x -> sum(x[0]), new int[] {0}, 1));
        assertTrue(notSelected.getMessage().contains("sparse argnum 1"), notSelected.getMessage());
    }

    @Test
    void aCustomRuleOfTheWrongShapeIsRefused() {
        Function<Tensor[], Tensor[]> bad = CustomDerivatives.customVjp("badRule", x -> new Tensor[] {exp(x[0])},
                (x, ct) -> new Tensor[] {sum(ct[0])});
        var err = assertThrows(IllegalArgumentException.class, () -> bad.apply(new Tensor[] {Tensor.of(randn(15, 3))}));
        assertTrue(err.getMessage().contains("badRule") && err.getMessage().contains("f64[3]"), err.getMessage());
    }

    @Test
    void badCallsFailEarlyNamingTheProblem() {
        Tensor v = Tensor.of(randn(11, 3));
        var notScalar = assertThrows(IllegalArgumentException.class, () -> Autodiff.grad((Tensor t) -> mul(t, t)).apply(v));
        assertTrue(notScalar.getMessage().contains("scalar") && notScalar.getMessage().contains("f64[3]"), notScalar.getMessage());
        var argnum = assertThrows(IllegalArgumentException.class,
                () -> Autodiff.grad((Tensor a, Tensor b) -> sum(add(a, b)), 2).apply(v, v));
        assertTrue(argnum.getMessage().contains("argnum 2"), argnum.getMessage());
        var integer = assertThrows(IllegalArgumentException.class, () -> Autodiff.grad((Tensor a, Tensor b) -> sum(a), 1)
                .apply(v, Tensor.of(Nd4j.createFromArray(1, 2))));
        assertTrue(integer.getMessage().contains("i32[2]"), integer.getMessage());
        var tangent = assertThrows(IllegalArgumentException.class, () -> Autodiff.jvp(a -> a[0], new Tensor[] {v},
                new Tensor[] {Tensor.of(randn(12, 4))}));
        assertTrue(tangent.getMessage().contains("f64[4]") && tangent.getMessage().contains("f64[3]"), tangent.getMessage());
    }
}
