package io.ann4j.compiler.rules;

import io.ann4j.compiler.autodiff.Emit;
import io.ann4j.compiler.ir.Value;
import io.ann4j.compiler.ops.*;
import java.util.List;

/**
 * Finds an op's rules ({@link OpRules}): one class per op in this package, named after it. The
 * switch is over the sealed {@link Op}, so an op without rules does not compile; the registry test
 * checks the same at run time, op class by op class.
 */
public final class Rules {
    private Rules() {}

    /** The rules of {@code op}'s class. */
    public static OpRules<? extends Op> of(Op op) {
        return switch (op) {
            case BinaryOp o -> BinaryOpRules.INSTANCE;
            case UnaryOp o -> UnaryOpRules.INSTANCE;
            case Reduce o -> ReduceRules.INSTANCE;
            case DotGeneral o -> DotGeneralRules.INSTANCE;
            case Transpose o -> TransposeOpRules.INSTANCE;
            case Reshape o -> ReshapeRules.INSTANCE;
            case BroadcastInDim o -> BroadcastInDimRules.INSTANCE;
            case Slice o -> SliceRules.INSTANCE;
            case Convert o -> ConvertRules.INSTANCE;
            case Concatenate o -> ConcatenateRules.INSTANCE;
            case GatherRows o -> GatherRowsRules.INSTANCE;
            case ScatterAddRows o -> ScatterAddRowsRules.INSTANCE;
            case ApproxTopK o -> ApproxTopKRules.INSTANCE;
            case TopK o -> TopKRules.INSTANCE;
            case SortKeyVal o -> SortKeyValRules.INSTANCE;
            case Constant o -> ConstantRules.INSTANCE;
            case Iota o -> IotaRules.INSTANCE;
            case CustomDerivative o -> CustomDerivativeRules.INSTANCE;
            case FusedRegion o -> FusedRegionRules.INSTANCE;
        };
    }

    /** The name of an op class's rules class: the op's name and {@code Rules} ({@code TransposeOpRules} for {@code Transpose}). */
    public static String rulesClassName(Class<? extends Op> opClass) {
        return Rules.class.getPackageName() + "." + opClass.getSimpleName() + (opClass == Transpose.class ? "OpRules" : "Rules");
    }

    @SuppressWarnings("unchecked")
    public static List<Value> jvp(Emit e, Op op, List<Value> x, List<Value> t, List<Value> out) {
        return ((OpRules<Op>) of(op)).jvp(e, op, x, t, out);
    }

    @SuppressWarnings("unchecked")
    public static List<Value> transpose(Emit e, Op op, List<Value> x, List<Value> out, List<Value> ct) {
        return ((OpRules<Op>) of(op)).transpose(e, op, x, out, ct);
    }

    @SuppressWarnings("unchecked")
    public static List<Value> batch(BatchingContext b, Op op, List<Value> ins) {
        return ((OpRules<Op>) of(op)).batch(b, op, ins);
    }
}
