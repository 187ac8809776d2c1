package io.ann4j.compiler.ops;

import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.ir.TensorType;
import java.util.List;

/**
 * A user function with its own derivative rule (JAX's {@code custom_jvp} / {@code custom_vjp}):
 * it computes {@code primal}; differentiation uses {@code rule} instead of differentiating the
 * primal's ops. Both are traced, staged graphs. The compiler inlines the primal before a backend
 * sees the program (so backends never lower this op).
 *
 * <ul>
 *   <li>{@link Kind#JVP}: the rule takes the primals, then one tangent per floating input, and
 *       returns the primal outputs, then one tangent per output. Reverse mode transposes it.
 *   <li>{@link Kind#VJP}: the rule takes the primals, then one cotangent per output, and returns
 *       one cotangent per input (ignored for integer inputs). Forward mode is refused, as in JAX.
 * </ul>
 *
 * @param name   the user's name for messages
 * @param primal the function itself
 * @param rule   its derivative rule, in the form {@code kind} says
 */
public record CustomDerivative(String name, Graph primal, Graph rule, Kind kind) implements Op {

    /** Which rule the user supplied. */
    public enum Kind { JVP, VJP }

    @Override
    public List<TensorType> inferTypes(List<TensorType> inputs) {
        if (!inputs.equals(primal.parameterTypes())) {
            throw Checks.error(name, "called on %s but traced for %s", inputs, primal.parameterTypes());
        }
        return primal.resultTypes();
    }
}
