package io.ann4j.compiler.autodiff;

import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.ir.Value;
import io.ann4j.compiler.ops.CustomDerivative;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** How the transforms apply a user's rule ({@link CustomDerivative}) in place of differentiating. */
final class CustomRules {
    private CustomRules() {}

    /** Primal outputs, then their tangents: the user's JVP rule inlined. */
    static List<Value> jvp(Emit e, CustomDerivative c, List<Value> primals, List<Value> tangents) {
        if (c.kind() == CustomDerivative.Kind.VJP) {
            throw new IllegalArgumentException("can't apply forward-mode autodiff (jvp) to a customVjp function: " + c.name()
                    + " (give it a customJvp rule, or differentiate it in reverse mode)");
        }
        List<Value> args = new ArrayList<>(primals);
        for (int i = 0; i < primals.size(); i++) {
            if (primals.get(i).type().dtype().isFloating()) {
                args.add(tangents.get(i) != null ? tangents.get(i) : e.zeros(primals.get(i).type()));
            }
        }
        return e.builder().inline(c.rule(), args);
    }

    /** One cotangent per input (null for integer inputs), from the outputs' cotangents. */
    static List<Value> vjp(Emit e, CustomDerivative c, List<Value> primals, List<Value> cts) {
        List<Value> args = new ArrayList<>(primals);
        List<Value> fullCts = new ArrayList<>();
        for (int i = 0; i < cts.size(); i++) {
            fullCts.add(cts.get(i) != null ? cts.get(i) : e.zeros(c.primal().results().get(i).type()));
        }
        List<Value> out = new ArrayList<>();
        if (c.kind() == CustomDerivative.Kind.VJP) {
            args.addAll(fullCts);
            List<Value> r = e.builder().inline(c.rule(), args);
            for (int i = 0; i < primals.size(); i++) {
                out.add(primals.get(i).type().dtype().isFloating() ? r.get(i) : null);
            }
            return out;
        }
        // A JVP rule is linear in its tangents: its transpose is its VJP with respect to them,
        // taken at zero tangents, fed zero cotangents for the primal outputs it also returns.
        Graph rule = c.rule();
        boolean[] wrt = new boolean[rule.parameters().size()];
        List<Value> zeroTangents = new ArrayList<>();
        for (int i = primals.size(); i < wrt.length; i++) {
            wrt[i] = true;
            zeroTangents.add(e.zeros(rule.parameters().get(i).type()));
        }
        Graph pullback = Vjp.vjp(rule, wrt);
        List<Value> pbArgs = new ArrayList<>(primals);
        pbArgs.addAll(zeroTangents);
        for (int i = 0; i < cts.size(); i++) {
            pbArgs.add(e.zeros(c.primal().results().get(i).type())); // the primal outputs' part
        }
        pbArgs.addAll(fullCts);
        List<Value> r = e.builder().inline(pullback, pbArgs);
        List<Value> tangentCts = r.subList(rule.results().size(), r.size());
        int k = 0;
        for (Value p : primals) {
            out.add(p.type().dtype().isFloating() ? tangentCts.get(k++) : null);
        }
        return Arrays.asList(out.toArray(Value[]::new));
    }
}
