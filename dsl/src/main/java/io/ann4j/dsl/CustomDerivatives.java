package io.ann4j.dsl;

import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.ops.CustomDerivative;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The hook: functions with a derivative rule of the user's choosing, as JAX's
 * {@code jax.custom_jvp} and {@code jax.custom_vjp}. The primal and the rule are both traced,
 * staged and compiled (the rule runs only when the function is differentiated; the compiler
 * inlines the primal otherwise).
 *
 * <pre>{@code
 * // a straight-through clip: forward clips to [-1, 1], backward passes the cotangent unchanged
 * Function<Tensor[], Tensor[]> clip = CustomDerivatives.customVjp("clip",
 *         x -> new Tensor[] {minimum(maximum(x[0], -1), 1)},
 *         (x, ct) -> new Tensor[] {ct[0]});
 * }</pre>
 */
public final class CustomDerivatives {
    private CustomDerivatives() {}

    /**
     * JAX's {@code custom_jvp}: {@code rule(primals, tangents)} returns the primal outputs and
     * their tangents (one tangent per argument is given; zeros where the caller has none). Reverse
     * mode transposes the rule, which must therefore be linear in the tangents (as in JAX).
     */
    public static Function<Tensor[], Tensor[]> customJvp(String name, Function<Tensor[], Tensor[]> primal,
                                                         BiFunction<Tensor[], Tensor[], Autodiff.JvpResult<Tensor[]>> rule) {
        return args -> {
            List<TensorType> types = types(name, args);
            Graph p = Staged.trace(a -> primal.apply(a), types).graph();
            List<TensorType> ruleTypes = new ArrayList<>(types);
            for (TensorType t : types) {
                if (t.dtype().isFloating()) {
                    ruleTypes.add(t);
                }
            }
            Graph r = Staged.trace(a -> {
                Tensor[] primals = Arrays.copyOf(a, args.length);
                Tensor[] tangents = new Tensor[args.length];
                for (int i = 0, k = args.length; i < args.length; i++) {
                    tangents[i] = types.get(i).dtype().isFloating() ? a[k++] : null;
                }
                Autodiff.JvpResult<Tensor[]> out = rule.apply(primals, tangents);
                List<Tensor> flat = new ArrayList<>(Arrays.asList(out.primalOut()));
                flat.addAll(Arrays.asList(out.tangentOut()));
                return flat;
            }, ruleTypes).graph();
            checkRule(name, "jvp", r.resultTypes(), concat(p.resultTypes(), p.resultTypes()));
            return apply(new CustomDerivative(name, p, r, CustomDerivative.Kind.JVP), args);
        };
    }

    /**
     * JAX's {@code custom_vjp}: {@code rule(primals, cotangents)} returns one cotangent per
     * argument (any value for integer arguments: it is ignored) from one per output. Forward mode
     * is refused, as in JAX.
     */
    public static Function<Tensor[], Tensor[]> customVjp(String name, Function<Tensor[], Tensor[]> primal,
                                                         BiFunction<Tensor[], Tensor[], Tensor[]> rule) {
        return args -> {
            List<TensorType> types = types(name, args);
            Graph p = Staged.trace(a -> primal.apply(a), types).graph();
            List<TensorType> ruleTypes = concat(types, p.resultTypes());
            Graph r = Staged.trace(a -> {
                Tensor[] cts = rule.apply(Arrays.copyOf(a, args.length), Arrays.copyOfRange(a, args.length, a.length));
                Tensor[] out = new Tensor[args.length];
                for (int i = 0; i < args.length; i++) {
                    out[i] = cts[i] != null ? cts[i] : Ops.broadcastInDim(Ops.constant(0, types.get(i).dtype()),
                            types.get(i).shape().toArray(), new int[0]);
                }
                return out;
            }, ruleTypes).graph();
            checkRule(name, "vjp", r.resultTypes(), types);
            return apply(new CustomDerivative(name, p, r, CustomDerivative.Kind.VJP), args);
        };
    }

    private static Tensor[] apply(CustomDerivative op, Tensor[] args) {
        return Ops.apply(op, args).toArray(Tensor[]::new);
    }

    private static void checkRule(String name, String kind, List<TensorType> got, List<TensorType> expected) {
        if (!got.equals(expected)) {
            throw new IllegalArgumentException(name + ": the custom " + kind + " rule returns " + got + " but must return "
                    + expected);
        }
    }

    private static List<TensorType> types(String name, Tensor[] args) {
        List<TensorType> out = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i] == null) {
                throw new IllegalArgumentException(name + ": argument " + i + " is null");
            }
            out.add(args[i].type());
        }
        return out;
    }

    private static List<TensorType> concat(List<TensorType> a, List<TensorType> b) {
        List<TensorType> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
