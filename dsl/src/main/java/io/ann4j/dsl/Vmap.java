package io.ann4j.dsl;

import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.passes.Batching;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Vectorising map, as {@code jax.vmap}: the function is traced on one example and the graph is
 * rewritten by per-op batching rules to run on the whole batch at once. An in-axis of
 * {@code null} passes that argument unbatched to every example (JAX's {@code None}).
 *
 * <pre>{@code
 * var batched = Vmap.vmap((Tensor qy, Tensor db) -> approxMaxK(dot(qy, transpose(db)), 10), 0, 0);
 * TopK r = Jit.jit(batched).call(qy, db);   // qy [B, Q, D], db [B, N, D] -> [B, Q, 10]
 * }</pre>
 */
public final class Vmap {
    private Vmap() {}

    /** Maps a one-argument function over {@code inAxis} of its argument; outputs batch along axis 0. */
    public static <R> Function<Tensor, R> vmap(Function<Tensor, R> f, Integer inAxis) {
        Function<Tensor[], R> g = vmapVarargs(a -> f.apply(a[0]), new Integer[] {inAxis}, 0);
        return a -> g.apply(new Tensor[] {a});
    }

    /** Maps a two-argument function over the given in-axes; outputs batch along axis 0. */
    public static <R> BiFunction<Tensor, Tensor, R> vmap(BiFunction<Tensor, Tensor, R> f, Integer inAxis0, Integer inAxis1) {
        Function<Tensor[], R> g = vmapVarargs(a -> f.apply(a[0], a[1]), new Integer[] {inAxis0, inAxis1}, 0);
        return (a, b) -> g.apply(new Tensor[] {a, b});
    }

    /**
     * The general form: one in-axis (or {@code null}) per argument, and the axis at which every
     * output gets the batch dimension.
     */
    public static <R> Function<Tensor[], R> vmapVarargs(Function<Tensor[], R> f, Integer[] inAxes, int outAxis) {
        Integer[] axes = inAxes.clone();
        Jitted<R> eager = Jit.jitVarargs(args -> apply(f, axes, outAxis, args), JitConfig.defaults());
        return args -> {
            boolean allConcrete = true;
            for (Tensor t : args) {
                allConcrete &= t != null && t.isConcrete();
            }
            return allConcrete ? eager.call((Object[]) args) : apply(f, axes, outAxis, args);
        };
    }

    @SuppressWarnings("unchecked")
    private static <R> R apply(Function<Tensor[], R> f, Integer[] inAxes, int outAxis, Tensor[] args) {
        if (args.length != inAxes.length) {
            throw new IllegalArgumentException("vmap: " + inAxes.length + " in-axes for " + args.length + " arguments");
        }
        int size = -1;
        boolean[] batched = new boolean[args.length];
        Tensor[] moved = new Tensor[args.length];
        List<TensorType> exampleTypes = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            Tensor t = args[i];
            if (inAxes[i] == null) {
                moved[i] = t;
                exampleTypes.add(t.type());
                continue;
            }
            int axis = inAxes[i] < 0 ? inAxes[i] + t.rank() : inAxes[i];
            if (axis < 0 || axis >= t.rank()) {
                throw new IllegalArgumentException("vmap: in-axis " + inAxes[i] + " is out of range for argument " + i
                        + " " + t.type());
            }
            if (size >= 0 && t.dim(axis) != size) {
                throw new IllegalArgumentException("vmap: inconsistent batch sizes: argument " + i + " " + t.type()
                        + " has " + t.dim(axis) + " along axis " + axis + ", earlier arguments " + size);
            }
            size = t.dim(axis);
            batched[i] = true;
            moved[i] = moveAxis(t, axis, 0);
            int[] shape = moved[i].shape();
            exampleTypes.add(t.type().withShape(java.util.Arrays.copyOfRange(shape, 1, shape.length)));
        }
        if (size < 0) {
            throw new IllegalArgumentException("vmap: at least one argument needs an in-axis");
        }
        Staged.Traced traced = Staged.trace(f, exampleTypes);
        Object out = traced.template();
        Graph example = traced.graph();
        Graph batchedGraph = Batching.batch(example, batched, size);
        List<Tensor> results = Staged.inline(batchedGraph, moved);
        List<Tensor> placed = results.stream().map(t -> moveAxis(t, 0, outAxis < 0 ? outAxis + t.rank() : outAxis)).toList();
        return (R) Pytree.unflatten(out, placed.iterator());
    }

    private static Tensor moveAxis(Tensor t, int from, int to) {
        if (from == to) {
            return t;
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < t.rank(); i++) {
            if (i != from) {
                order.add(i);
            }
        }
        order.add(to, from);
        return Ops.transpose(t, order.stream().mapToInt(Integer::intValue).toArray());
    }
}
