package io.ann4j.runtime.cpu.options;

import io.ann4j.dsl.*;

import static io.ann4j.dsl.Ops.approxMaxK;
import static io.ann4j.dsl.Ops.dot;
import static io.ann4j.dsl.Ops.mul;
import static io.ann4j.dsl.Ops.sum;
import static io.ann4j.dsl.Ops.transpose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ann4j.dsl.Autodiff.SparseValueAndGrad;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The differentiation transforms take a config like {@link Jit#jit}, and a backend chosen by
 * {@code -Dann4j.backend} after a function was compiled takes effect on the next call, or fails
 * there naming the backend: never silently ignored.
 */
@ResourceLock("ann4j.backend")
class BackendChoiceTest {
    private static final JitConfig NOWHERE = JitConfig.defaults().backend("no-such-backend");

    @Test
    void transformsGivenAConfigCompileForItsBackend() {
        Tensor x = Tensor.of(new float[][] {{1, 2}, {3, 4}});
        Function<Tensor, Tensor> f = t -> sum(mul(t, t));
        // a config that names no real backend must fail, naming it: proof that the config is used
        for (Runnable call : new Runnable[] {
            () -> Autodiff.grad(f, NOWHERE).apply(x),
            () -> Autodiff.valueAndGrad(f, NOWHERE).apply(x),
            () -> Autodiff.valueAndGradVarargs(a -> f.apply(a[0]), NOWHERE, 0).apply(new Tensor[] {x}),
            () -> Autodiff.gradVarargs(a -> f.apply(a[0]), NOWHERE, 0).apply(new Tensor[] {x}),
            () -> Autodiff.grad((Tensor a, Tensor b) -> sum(mul(a, b)), NOWHERE, 0, 1).apply(x, x),
            () -> Autodiff.vjp(a -> f.apply(a[0]), NOWHERE, x),
            () -> Autodiff.jvp(a -> f.apply(a[0]), new Tensor[] {x}, new Tensor[] {x}, NOWHERE),
        }) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
            assertTrue(e.getMessage().contains("no-such-backend"), e.getMessage());
        }
        String cpu = io.ann4j.compiler.spi.Backends.available().get(0);
        Tensor g = Autodiff.grad(f, JitConfig.defaults().backend(cpu)).apply(x);
        assertArrayEquals(new float[][] {{2, 4}, {6, 8}}, g.array().toFloatMatrix());
    }

    @Test
    void aBackendPropertySetLaterTakesEffectOnTheNextCall() {
        Jitted<Tensor> jitted = Jit.jit((Tensor t) -> sum(mul(t, t)));
        Function<Tensor, Tensor> grad = Autodiff.grad(t -> sum(mul(t, t)));
        Tensor x = Tensor.of(new float[][] {{1, 2}});
        assertEquals(5f, jitted.call(x).array().getFloat(0));
        assertEquals(2f, grad.apply(x).array().getFloat(0, 0));
        String before = System.getProperty("ann4j.backend");
        try {
            System.setProperty("ann4j.backend", "no-such-backend");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> jitted.call(x));
            assertTrue(e.getMessage().contains("no-such-backend"), e.getMessage());
            IllegalArgumentException g = assertThrows(IllegalArgumentException.class, () -> grad.apply(x));
            assertTrue(g.getMessage().contains("no-such-backend"), g.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty("ann4j.backend");
            } else {
                System.setProperty("ann4j.backend", before);
            }
        }
        assertEquals(5f, jitted.call(x).array().getFloat(0), "back on the default, compiled once before");
        assertEquals(1, jitted.traceCount(), "the default backend's executable is kept");
    }

    @Test
    void anUnknownOptionOfTheBackendIsAnErrorListingTheValidKeys() {
        Tensor x = Tensor.of(new float[][] {{1, 2, 3}});
        String cpu = "cpu";
        org.junit.jupiter.api.Assumptions.assumeTrue(io.ann4j.compiler.spi.Backends.available().contains(cpu));
        JitConfig typo = JitConfig.defaults().backend(cpu).option("cpu.selecton", "bins");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Jit.jit((Tensor t) -> approxMaxK(t, 1), typo).call(x));
        assertTrue(e.getMessage().contains("backend cpu has no option 'cpu.selecton'")
                && e.getMessage().contains("cpu.selection (threshold or bins; default threshold)")
                && e.getMessage().contains("cpu.product"), e.getMessage());
        IllegalArgumentException bare = assertThrows(IllegalArgumentException.class,
                () -> Jit.jit((Tensor t) -> approxMaxK(t, 1), JitConfig.defaults().backend(cpu).option("selection", "bins")).call(x));
        assertTrue(bare.getMessage().contains("option 'selection' names no backend"), bare.getMessage());
        // a bad value is refused too, naming what the option accepts
        IllegalArgumentException value = assertThrows(IllegalArgumentException.class,
                () -> Jit.jit((Tensor t) -> approxMaxK(t, 1), JitConfig.defaults().backend(cpu).option("cpu.selection", "heap")).call(x));
        assertTrue(value.getMessage().contains("cpu.selection must be 'threshold' or 'bins', got 'heap'"), value.getMessage());
        // another backend's options travel along untouched; a known key works
        TopK r = Jit.jit((Tensor t) -> approxMaxK(t, 1), JitConfig.defaults().backend(cpu).option("tpu.platform", "cuda")
                .option("cpu.selection", "bins")).call(x);
        assertEquals(2, r.indicesMatrix()[0][0]);
    }

    @Test
    void rowSparseGradientsHaveOneToFourArgumentForms() {
        Nd4j.getRandom().setSeed(3);
        Tensor q = Tensor.of(Nd4j.rand(DataType.FLOAT, 3, 4));
        Tensor db = Tensor.of(Nd4j.rand(DataType.FLOAT, 20, 4));
        Tensor w = Tensor.of(Nd4j.rand(DataType.FLOAT, 3, 4));
        Tensor v = Tensor.of(Nd4j.rand(DataType.FLOAT, 3, 4));
        // each form against the array form of the same function: same ids, same rows, same value
        assertSame(Autodiff.valueAndGradRowSparse((Tensor d) -> loss(ones(), d, ones(), ones())).apply(db),
                Autodiff.valueAndGradRowSparse(a -> loss(ones(), a[0], ones(), ones()), new int[] {0}, 0).apply(new Tensor[] {db}));
        assertSame(Autodiff.valueAndGradRowSparse((Tensor a, Tensor d) -> loss(a, d, ones(), ones()), new int[] {1}, 1).apply(q, db),
                Autodiff.valueAndGradRowSparse(a -> loss(a[0], a[1], ones(), ones()), new int[] {1}, 1).apply(new Tensor[] {q, db}));
        assertSame(Autodiff.valueAndGradRowSparse((Tensor a, Tensor d, Tensor c) -> loss(a, d, c, ones()), new int[] {0, 1}, 1)
                        .apply(q, db, w),
                Autodiff.valueAndGradRowSparse(a -> loss(a[0], a[1], a[2], ones()), new int[] {0, 1}, 1).apply(new Tensor[] {q, db, w}));
        assertSame(Autodiff.valueAndGradRowSparse((Tensor a, Tensor d, Tensor c, Tensor e) -> loss(a, d, c, e), new int[] {1}, 1)
                        .apply(q, db, w, v),
                Autodiff.valueAndGradRowSparse(a -> loss(a[0], a[1], a[2], a[3]), new int[] {1}, 1).apply(new Tensor[] {q, db, w, v}));
    }

    /** The top-2 scores of the queries {@code a * c * e} against {@code d}, summed. */
    private static Tensor loss(Tensor a, Tensor d, Tensor c, Tensor e) {
        return sum(approxMaxK(dot(mul(mul(a, c), e), transpose(d)), 2).values());
    }

    /** All-ones {@code [3, 4]}, inside a trace. */
    private static Tensor ones() {
        return Ops.broadcastInDim(Ops.constant(1.0, io.ann4j.compiler.ir.DType.F32), new int[] {3, 4}, new int[0]);
    }

    private static void assertSame(SparseValueAndGrad got, SparseValueAndGrad expected) {
        assertEquals(expected.value().array().getFloat(0), got.value().array().getFloat(0));
        int sparseAt = expected.grads().length - 1; // the sparse gradient is the last argnum in every case above
        RowSparseGradient.Rows e = expected.sparse(sparseAt).coalesce();
        RowSparseGradient.Rows g = got.sparse(sparseAt).coalesce();
        assertArrayEquals(e.ids(), g.ids());
        assertArrayEquals(e.values().toFloatMatrix(), g.values().toFloatMatrix());
        assertTrue(e.ids().length > 0);
    }
}
