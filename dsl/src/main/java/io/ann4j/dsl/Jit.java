package io.ann4j.dsl;

import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Just-in-time compilation of Java lambdas over tensors, as {@code jax.jit}:
 *
 * <pre>{@code
 * var mips = Jit.jit((Tensor qy, Tensor db) -> approxMaxK(dot(qy, transpose(db)), 10, 0.95));
 * TopK r = mips.call(queries, database);        // traced and compiled on the first call
 * }</pre>
 *
 * Scalars used inside the lambda ({@code k}, {@code recallTarget}) are baked in at trace time.
 */
public final class Jit {
    private Jit() {}

    /** A function of three tensors. */
    @FunctionalInterface
    public interface Fn3<R> {
        R apply(Tensor a, Tensor b, Tensor c);
    }

    /** A function of four tensors. */
    @FunctionalInterface
    public interface Fn4<R> {
        R apply(Tensor a, Tensor b, Tensor c, Tensor d);
    }

    public static <R> Jitted<R> jit(Function<Tensor, R> f) {
        return jit(f, JitConfig.defaults());
    }

    public static <R> Jitted<R> jit(BiFunction<Tensor, Tensor, R> f) {
        return jit(f, JitConfig.defaults());
    }

    public static <R> Jitted<R> jit(Fn3<R> f) {
        return jit(f, JitConfig.defaults());
    }

    public static <R> Jitted<R> jit(Fn4<R> f) {
        return jit(f, JitConfig.defaults());
    }

    public static <R> Jitted<R> jit(Function<Tensor, R> f, JitConfig config) {
        return new Jitted<>(a -> f.apply(a[0]), 1, config);
    }

    public static <R> Jitted<R> jit(BiFunction<Tensor, Tensor, R> f, JitConfig config) {
        return new Jitted<>(a -> f.apply(a[0], a[1]), 2, config);
    }

    public static <R> Jitted<R> jit(Fn3<R> f, JitConfig config) {
        return new Jitted<>(a -> f.apply(a[0], a[1], a[2]), 3, config);
    }

    public static <R> Jitted<R> jit(Fn4<R> f, JitConfig config) {
        return new Jitted<>(a -> f.apply(a[0], a[1], a[2], a[3]), 4, config);
    }

    /** A function of any number of tensors. */
    public static <R> Jitted<R> jitVarargs(Function<Tensor[], R> f, JitConfig config) {
        return new Jitted<>(f::apply, -1, config);
    }
}
