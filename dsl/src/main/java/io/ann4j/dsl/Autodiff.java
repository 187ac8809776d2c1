package io.ann4j.dsl;

import io.ann4j.compiler.autodiff.Jvp;
import io.ann4j.compiler.autodiff.Vjp;
import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.passes.SparseGradients;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Staged differentiation, as JAX's {@code jvp}, {@code vjp}, {@code grad} and
 * {@code value_and_grad}: the function is traced once into a graph, the graph is transformed by
 * per-op rules ({@link Jvp}, {@link Vjp}), and the result is an ordinary graph that goes through
 * the same passes, compile cache and backends as any other. Called on concrete tensors the
 * transformed function is compiled and run; called inside a traced function (under
 * {@link Jit#jit}, {@link Vmap#vmap}, another {@code grad}, {@link Pmap}) its ops join that trace,
 * so {@code jit(grad(f))}, {@code vmap(grad(f))} and {@code grad(grad(f))} compose.
 *
 * <p>The approximate top-k differentiates as JAX's {@code approx_max_k}: the tangent at the
 * returned indices, the selection held constant (exact with respect to the chosen indices,
 * inexact with respect to the true top-k). The compiler keeps the gradient of a search sparse:
 * a gather of the k selected rows and a deterministic segment sum, never a {@code [Q, N]} matrix.
 *
 * <pre>{@code
 * var loss = Autodiff.valueAndGrad((Tensor qy, Tensor db) -> sum(approxMaxK(dot(qy, transpose(db)), 10).values()), 0, 1);
 * ValueAndGrad r = loss.apply(qy, db);            // r.value(), r.grads()[0] = dqy, r.grads()[1] = ddb
 * }</pre>
 */
public final class Autodiff {
    private Autodiff() {}

    /** A transformed graph, by canonical text, compiled for one configuration. */
    private record EagerKey(String graph, JitConfig config) {}

    /**
     * Compiled transformed graphs for calls on concrete tensors (bounded). Keyed by the config
     * too: a transform given a backend never reuses another backend's executable, and one given
     * none follows {@code -Dann4j.backend} as {@link Jitted} does.
     */
    private static final java.util.Map<EagerKey, Jitted<List<Tensor>>> EAGER = new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<EagerKey, Jitted<List<Tensor>>> eldest) {
            return size() > 64;
        }
    };

    /** The value of a scalar function and its gradients with respect to the selected arguments. */
    public record ValueAndGrad(Tensor value, Tensor[] grads) {
        /** The gradient with respect to the i-th selected argument. */
        public Tensor grad(int i) {
            return grads[i];
        }
    }

    /** Primal outputs and their tangents, in the structure the function returns. */
    public record JvpResult<R>(R primalOut, R tangentOut) {}

    /** Primal outputs, and the pullback from output cotangents to every argument's cotangent. */
    public record VjpResult<R>(R primalOut, Function<R, Tensor[]> pullback) {}

    // ---- forward mode ----

    /**
     * JAX's {@code jvp}: {@code f}'s outputs at {@code primals} and their tangents along
     * {@code tangents} (one per argument; {@code null} for an integer argument or a zero tangent).
     */
    public static <R> JvpResult<R> jvp(Function<Tensor[], R> f, Tensor[] primals, Tensor[] tangents) {
        return jvp(f, primals, tangents, JitConfig.defaults());
    }

    /** {@link #jvp(Function, Tensor[], Tensor[])} compiled with {@code config} (its backend and options) on concrete tensors. */
    public static <R> JvpResult<R> jvp(Function<Tensor[], R> f, Tensor[] primals, Tensor[] tangents, JitConfig config) {
        if (tangents.length != primals.length) {
            throw new IllegalArgumentException("jvp: " + primals.length + " primals but " + tangents.length + " tangents");
        }
        Staged.Traced t = Staged.trace(f, types(primals));
        boolean[] wrt = new boolean[primals.length];
        List<Tensor> args = new ArrayList<>(Arrays.asList(primals));
        for (int i = 0; i < primals.length; i++) {
            wrt[i] = tangents[i] != null;
            if (wrt[i]) {
                if (!tangents[i].type().equals(primals[i].type())) {
                    throw new IllegalArgumentException("jvp: tangent " + i + " is " + tangents[i].type() + " but its primal is "
                            + primals[i].type() + " (they must match)");
                }
                if (primals[i].dtype().isFloating()) {
                    args.add(tangents[i]);
                }
            }
        }
        Graph g = Jvp.jvp(t.graph(), wrt);
        List<Tensor> outs = run(g, args.toArray(Tensor[]::new), config);
        int n = t.graph().results().size();
        @SuppressWarnings("unchecked")
        R primal = (R) Pytree.unflatten(t.template(), outs.subList(0, n).iterator());
        @SuppressWarnings("unchecked")
        R tangent = (R) Pytree.unflatten(t.template(), outs.subList(n, 2 * n).iterator());
        return new JvpResult<>(primal, tangent);
    }

    // ---- reverse mode ----

    /**
     * JAX's {@code vjp}: {@code f}'s outputs at {@code primals}, and the pullback taking output
     * cotangents (the same structure; integer leaves such as indices are ignored) to one
     * cotangent per argument ({@code null} for integer arguments).
     */
    public static <R> VjpResult<R> vjp(Function<Tensor[], R> f, Tensor... primals) {
        return vjp(f, JitConfig.defaults(), primals);
    }

    /** {@link #vjp(Function, Tensor...)} compiled with {@code config} on concrete tensors. */
    public static <R> VjpResult<R> vjp(Function<Tensor[], R> f, JitConfig config, Tensor... primals) {
        Staged.Traced t = Staged.trace(f, types(primals));
        boolean[] wrt = new boolean[primals.length];
        Arrays.fill(wrt, true);
        Graph g = Vjp.vjp(t.graph(), wrt);
        @SuppressWarnings("unchecked")
        R out = (R) Pytree.unflatten(t.template(), run(t.graph(), primals, config).iterator());
        Function<R, Tensor[]> pullback = ct -> {
            List<Tensor> cts = Pytree.flatten(ct);
            List<Tensor> args = new ArrayList<>(Arrays.asList(primals));
            args.addAll(cts);
            List<Tensor> r = run(g, args.toArray(Tensor[]::new), config);
            Iterator<Tensor> grads = r.subList(t.graph().results().size(), r.size()).iterator();
            Tensor[] res = new Tensor[primals.length];
            for (int i = 0; i < primals.length; i++) {
                res[i] = primals[i].dtype().isFloating() ? grads.next() : null;
            }
            return res;
        };
        return new VjpResult<>(out, pullback);
    }

    /** {@link #valueAndGradVarargs} of a one-argument function; {@code apply} gives its value and gradient. */
    public static Function<Tensor, ValueAndGrad> valueAndGrad(Function<Tensor, Tensor> f) {
        return valueAndGrad(f, JitConfig.defaults());
    }

    /** {@link #valueAndGrad(Function)} compiled with {@code config} (its backend and options). */
    public static Function<Tensor, ValueAndGrad> valueAndGrad(Function<Tensor, Tensor> f, JitConfig config) {
        Function<Tensor[], ValueAndGrad> g = valueAndGradVarargs(a -> f.apply(a[0]), config, 0);
        return x -> g.apply(new Tensor[] {x});
    }

    /** {@link #valueAndGradVarargs} of a two-argument function. */
    public static BiFunction<Tensor, Tensor, ValueAndGrad> valueAndGrad(BiFunction<Tensor, Tensor, Tensor> f, int... argnums) {
        return valueAndGrad(f, JitConfig.defaults(), argnums);
    }

    /** {@link #valueAndGrad(BiFunction, int...)} compiled with {@code config}. */
    public static BiFunction<Tensor, Tensor, ValueAndGrad> valueAndGrad(BiFunction<Tensor, Tensor, Tensor> f, JitConfig config,
                                                                       int... argnums) {
        Function<Tensor[], ValueAndGrad> g = valueAndGradVarargs(a -> f.apply(a[0], a[1]), config, argnums);
        return (x, y) -> g.apply(new Tensor[] {x, y});
    }

    /**
     * JAX's {@code value_and_grad}: {@code f} must return a floating scalar; the result gives its
     * value and its gradient with respect to each argument in {@code argnums} (default: 0), in
     * that order. Compiled for the default backend ({@code -Dann4j.backend}, read at each call).
     */
    public static Function<Tensor[], ValueAndGrad> valueAndGradVarargs(Function<Tensor[], Tensor> f, int... argnums) {
        return valueAndGradVarargs(f, JitConfig.defaults(), argnums);
    }

    /** {@link #valueAndGradVarargs(Function, int...)} compiled with {@code config} (its backend and options). */
    public static Function<Tensor[], ValueAndGrad> valueAndGradVarargs(Function<Tensor[], Tensor> f, JitConfig config,
                                                                      int... argnums) {
        int[] nums = argnums.length == 0 ? new int[] {0} : argnums.clone();
        java.util.Objects.requireNonNull(config, "config");
        return args -> {
            List<Tensor> out = runReverse(f, nums, args, List.of(), config);
            return new ValueAndGrad(out.get(0), out.subList(1, out.size()).toArray(Tensor[]::new));
        };
    }

    /** JAX's {@code grad} of a one-argument scalar function. */
    public static Function<Tensor, Tensor> grad(Function<Tensor, Tensor> f) {
        return grad(f, JitConfig.defaults());
    }

    /** {@link #grad(Function)} compiled with {@code config}. */
    public static Function<Tensor, Tensor> grad(Function<Tensor, Tensor> f, JitConfig config) {
        Function<Tensor, ValueAndGrad> g = valueAndGrad(f, config);
        return x -> g.apply(x).grad(0);
    }

    /** JAX's {@code grad} of a two-argument scalar function with respect to {@code argnums} (default 0). */
    public static BiFunction<Tensor, Tensor, Tensor[]> grad(BiFunction<Tensor, Tensor, Tensor> f, int... argnums) {
        return grad(f, JitConfig.defaults(), argnums);
    }

    /** {@link #grad(BiFunction, int...)} compiled with {@code config}. */
    public static BiFunction<Tensor, Tensor, Tensor[]> grad(BiFunction<Tensor, Tensor, Tensor> f, JitConfig config,
                                                          int... argnums) {
        BiFunction<Tensor, Tensor, ValueAndGrad> g = valueAndGrad(f, config, argnums);
        return (x, y) -> g.apply(x, y).grads();
    }

    /** JAX's {@code grad} with any number of arguments. */
    public static Function<Tensor[], Tensor[]> gradVarargs(Function<Tensor[], Tensor> f, int... argnums) {
        return gradVarargs(f, JitConfig.defaults(), argnums);
    }

    /** {@link #gradVarargs(Function, int...)} compiled with {@code config}. */
    public static Function<Tensor[], Tensor[]> gradVarargs(Function<Tensor[], Tensor> f, JitConfig config, int... argnums) {
        Function<Tensor[], ValueAndGrad> g = valueAndGradVarargs(f, config, argnums);
        return args -> g.apply(args).grads();
    }

    /**
     * {@link #valueAndGradVarargs} where the gradients with respect to {@code sparseArgnums} (a
     * subset of {@code argnums}, e.g. an embedding table) come row-sparse: the rows the function
     * touched, never densified. Refused, naming the argument, when the compiler cannot prove a
     * gradient row-sparse (it must end in the row scatter of a search's backward pass).
     */
    public static Function<Tensor[], SparseValueAndGrad> valueAndGradRowSparse(Function<Tensor[], Tensor> f, int[] argnums,
                                                                              int... sparseArgnums) {
        return valueAndGradRowSparse(f, JitConfig.defaults(), argnums, sparseArgnums);
    }

    /** {@link #valueAndGradRowSparse(Function, int[], int...)} compiled with {@code config}. */
    public static Function<Tensor[], SparseValueAndGrad> valueAndGradRowSparse(Function<Tensor[], Tensor> f, JitConfig config,
                                                                              int[] argnums, int... sparseArgnums) {
        int[] nums = argnums.clone();
        java.util.Objects.requireNonNull(config, "config");
        List<Integer> sparse = Arrays.stream(sparseArgnums).boxed().toList();
        for (int s : sparseArgnums) {
            if (Arrays.stream(nums).noneMatch(a -> a == s)) {
                throw new IllegalArgumentException("valueAndGradRowSparse: sparse argnum " + s + " is not among argnums "
                        + Arrays.toString(nums));
            }
        }
        return args -> {
            List<Tensor> out = runReverse(f, nums, args, sparse, config);
            Tensor value = out.get(0);
            Object[] grads = new Object[nums.length];
            int k = 1;
            for (int i = 0; i < nums.length; i++) {
                if (sparse.contains(nums[i])) {
                    Tensor indices = out.get(k++);
                    Tensor updates = out.get(k++);
                    grads[i] = new RowSparseGradient(indices, updates, args[nums[i]].type());
                } else {
                    grads[i] = out.get(k++);
                }
            }
            return new SparseValueAndGrad(value, grads);
        };
    }

    /** The value and the row-sparse gradient with respect to the only argument of {@code f} (a table, a database). */
    public static Function<Tensor, SparseValueAndGrad> valueAndGradRowSparse(Function<Tensor, Tensor> f) {
        return valueAndGradRowSparse(f, JitConfig.defaults());
    }

    /** {@link #valueAndGradRowSparse(Function)} compiled with {@code config}. */
    public static Function<Tensor, SparseValueAndGrad> valueAndGradRowSparse(Function<Tensor, Tensor> f, JitConfig config) {
        Function<Tensor[], SparseValueAndGrad> g = valueAndGradRowSparse(a -> f.apply(a[0]), config, new int[] {0}, 0);
        return x -> g.apply(new Tensor[] {x});
    }

    /** {@link #valueAndGradRowSparse(Function, int[], int...)} of a two-argument function. */
    public static BiFunction<Tensor, Tensor, SparseValueAndGrad> valueAndGradRowSparse(BiFunction<Tensor, Tensor, Tensor> f,
                                                                                      int[] argnums, int... sparseArgnums) {
        return valueAndGradRowSparse(f, JitConfig.defaults(), argnums, sparseArgnums);
    }

    /** The two-argument form compiled with {@code config}. */
    public static BiFunction<Tensor, Tensor, SparseValueAndGrad> valueAndGradRowSparse(BiFunction<Tensor, Tensor, Tensor> f,
                                                                                      JitConfig config, int[] argnums,
                                                                                      int... sparseArgnums) {
        Function<Tensor[], SparseValueAndGrad> g = valueAndGradRowSparse(a -> f.apply(a[0], a[1]), config, argnums, sparseArgnums);
        return (x, y) -> g.apply(new Tensor[] {x, y});
    }

    /** {@link #valueAndGradRowSparse(Function, int[], int...)} of a three-argument function. */
    public static Jit.Fn3<SparseValueAndGrad> valueAndGradRowSparse(Jit.Fn3<Tensor> f, int[] argnums, int... sparseArgnums) {
        return valueAndGradRowSparse(f, JitConfig.defaults(), argnums, sparseArgnums);
    }

    /** The three-argument form compiled with {@code config}. */
    public static Jit.Fn3<SparseValueAndGrad> valueAndGradRowSparse(Jit.Fn3<Tensor> f, JitConfig config, int[] argnums,
                                                                    int... sparseArgnums) {
        Function<Tensor[], SparseValueAndGrad> g = valueAndGradRowSparse(a -> f.apply(a[0], a[1], a[2]), config, argnums,
                sparseArgnums);
        return (x, y, z) -> g.apply(new Tensor[] {x, y, z});
    }

    /** {@link #valueAndGradRowSparse(Function, int[], int...)} of a four-argument function. */
    public static Jit.Fn4<SparseValueAndGrad> valueAndGradRowSparse(Jit.Fn4<Tensor> f, int[] argnums, int... sparseArgnums) {
        return valueAndGradRowSparse(f, JitConfig.defaults(), argnums, sparseArgnums);
    }

    /** The four-argument form compiled with {@code config}. */
    public static Jit.Fn4<SparseValueAndGrad> valueAndGradRowSparse(Jit.Fn4<Tensor> f, JitConfig config, int[] argnums,
                                                                    int... sparseArgnums) {
        Function<Tensor[], SparseValueAndGrad> g = valueAndGradRowSparse(a -> f.apply(a[0], a[1], a[2], a[3]), config, argnums,
                sparseArgnums);
        return (w, x, y, z) -> g.apply(new Tensor[] {w, x, y, z});
    }

    /** The value and gradients of {@link #valueAndGradRowSparse}: a {@link Tensor} or a {@link RowSparseGradient} each. */
    public record SparseValueAndGrad(Tensor value, Object[] grads) {
        public Tensor dense(int i) {
            return (Tensor) grads[i];
        }

        public RowSparseGradient sparse(int i) {
            return (RowSparseGradient) grads[i];
        }
    }

    /** The value, then one gradient per argnum (two tensors, indices then rows, for sparse ones). */
    private static List<Tensor> runReverse(Function<Tensor[], Tensor> f, int[] argnums, Tensor[] args, List<Integer> sparse,
                                           JitConfig config) {
        for (int a : argnums) {
            if (a < 0 || a >= args.length) {
                throw new IllegalArgumentException("grad: argnum " + a + " is out of range for " + args.length + " arguments");
            }
            if (!args[a].dtype().isFloating()) {
                throw new IllegalArgumentException("grad: argument " + a + " is " + args[a].type()
                        + "; gradients need floating arguments (JAX: grad requires real-valued inputs)");
            }
        }
        Staged.Traced t = Staged.trace(f, types(args));
        if (t.graph().results().size() != 1 || t.graph().results().get(0).type().rank() != 0
                || !t.graph().results().get(0).type().dtype().isFloating()) {
            throw new IllegalArgumentException("grad: the function must return one floating scalar (Gradient only defined "
                    + "for scalar-output functions), got " + t.graph().resultTypes());
        }
        boolean[] wrt = new boolean[args.length];
        for (int a : argnums) {
            wrt[a] = true;
        }
        Graph g = Vjp.vjp(t.graph(), wrt);
        // Results: value, then one cotangent per wrt argument in argument order; reorder to argnums.
        int[] order = new int[args.length];
        int pos = 1;
        for (int i = 0; i < args.length; i++) {
            order[i] = wrt[i] ? pos++ : -1;
        }
        List<Integer> picks = new ArrayList<>();
        picks.add(0);
        for (int a : argnums) {
            picks.add(order[a]);
        }
        Graph selected = Graphs.select(g, picks);
        for (int i = argnums.length - 1; i >= 0; i--) {
            if (sparse.contains(argnums[i])) {
                Graph split = SparseGradients.rowSparseResult(selected, 1 + i);
                if (split == null) {
                    throw new IllegalArgumentException("valueAndGradRowSparse: the gradient with respect to argument " + argnums[i]
                            + " " + args[argnums[i]].type() + " is not row-sparse here (it is not the row scatter of a "
                            + "search's backward pass); ask for it dense");
                }
                selected = split;
            }
        }
        TensorType scalar = t.graph().results().get(0).type();
        Graph withSeed = Graphs.seedCotangent(selected, scalar);
        return run(withSeed, args, config);
    }

    /** Runs {@code g}: compiled and executed when every argument is concrete, else inlined into their trace. */
    private static List<Tensor> run(Graph g, Tensor[] args, JitConfig config) {
        if (Staged.allConcrete(args)) {
            Jitted<List<Tensor>> j;
            synchronized (EAGER) {
                j = EAGER.computeIfAbsent(new EagerKey(g.toString(), config), k -> Jit.jitVarargs(a -> Staged.inline(g, a), config));
            }
            return j.call((Object[]) args);
        }
        return Staged.inline(g, args);
    }

    private static List<TensorType> types(Tensor[] args) {
        List<TensorType> out = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i] == null) {
                throw new IllegalArgumentException("argument " + i + " is null");
            }
            out.add(args[i].type());
        }
        return out;
    }
}
