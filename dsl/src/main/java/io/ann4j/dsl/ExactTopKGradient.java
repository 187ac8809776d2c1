package io.ann4j.dsl;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.Permutations;
import io.ann4j.compiler.ops.ApproxTopK;
import java.util.List;

/**
 * The approximate top-k with the exact top-k's gradient ({@link ApproxTopKOptions.Gradient#EXACT_TOPK}),
 * written with the hook users have ({@link CustomDerivatives#customJvp}): the primal is the
 * approximate reduction; the tangent is taken at the indices of an exact top-k of the operand,
 * recomputed. Reverse mode transposes that rule (a scatter at the exact indices).
 */
final class ExactTopKGradient {
    private ExactTopKGradient() {}

    static TopK apply(ApproxTopKOptions options, boolean isMax, Tensor operand) {
        ApproxTopK op = new ApproxTopK(options.params(isMax));
        if (options.gradient() == ApproxTopKOptions.Gradient.SELECTED) {
            List<Tensor> outs = Ops.apply(op, operand);
            return new TopK(outs.get(0), outs.get(1));
        }
        Tensor[] out = CustomDerivatives.customJvp(op.name() + "(exact top-k gradient)",
                x -> Ops.apply(op, x[0]).toArray(Tensor[]::new),
                (x, t) -> {
                    Tensor[] primal = Ops.apply(op, x[0]).toArray(Tensor[]::new);
                    int axis = options.params(isMax).axis(x[0].rank());
                    int size = primal[0].dim(axis);
                    Tensor exactIdx = exactIndices(x[0], axis, size, isMax);
                    Tensor tangent = takeAlongAxis(t[0], exactIdx, axis);
                    Tensor noTangent = Ops.broadcastInDim(Ops.constant(0, DType.I32), primal[1].shape(), new int[0]);
                    return new Autodiff.JvpResult<>(primal, new Tensor[] {tangent, noTangent});
                }).apply(new Tensor[] {operand});
        return new TopK(out[0], out[1]);
    }

    /** The indices of the exact top {@code size} along {@code axis}, best first. */
    private static Tensor exactIndices(Tensor x, int axis, int size, boolean isMax) {
        int[] perm = Permutations.moveLast(x.rank(), axis);
        Tensor last = Ops.transpose(x, perm);
        Tensor idx = Ops.topK(isMax ? last : Ops.neg(last), size).indices();
        return Ops.transpose(idx, Permutations.inverse(perm));
    }

    private static Tensor takeAlongAxis(Tensor x, Tensor idx, int axis) {
        int[] perm = Permutations.moveLast(x.rank(), axis);
        Tensor g = Ops.gatherRows(Ops.transpose(x, perm), Ops.transpose(idx, perm), x.rank() - 1);
        return Ops.transpose(g, Permutations.inverse(perm));
    }


}
