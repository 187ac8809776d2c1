package io.ann4j.compiler.rules;

import io.ann4j.compiler.autodiff.Emit;
import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.Dims;
import io.ann4j.compiler.ir.Permutations;
import io.ann4j.compiler.ir.Value;
import io.ann4j.compiler.ops.*;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** {@link CustomDerivative}: its own rules come with it ({@code autodiff/CustomRules}); vmap of it is refused. */
public final class CustomDerivativeRules implements OpRules<CustomDerivative> {
    static final CustomDerivativeRules INSTANCE = new CustomDerivativeRules();

    private CustomDerivativeRules() {}

    @Override
    public List<Value> jvp(Emit e, CustomDerivative op, List<Value> x, List<Value> t, List<Value> out) {
        throw new IllegalStateException("handled before the rules, by CustomRules");
    }

    @Override
    public List<Value> transpose(Emit e, CustomDerivative op, List<Value> x, List<Value> out, List<Value> ct) {
        throw new IllegalStateException("handled by CustomRules");
    }

    @Override
    public List<Value> batch(BatchingContext b, CustomDerivative op, List<Value> ins) {
        throw new IllegalArgumentException("vmap of " + op.name()
                + ", a function with a custom derivative rule, is not supported: apply vmap inside the differentiated function, or differentiate first (vmap(grad(f)))");
    }
}
