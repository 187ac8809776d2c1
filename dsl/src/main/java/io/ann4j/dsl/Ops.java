package io.ann4j.dsl;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.Dims;
import io.ann4j.compiler.ir.ShapeError;
import io.ann4j.compiler.ops.ApproxTopK;
import io.ann4j.compiler.ops.BinaryOp;
import io.ann4j.compiler.ops.BroadcastInDim;
import io.ann4j.compiler.ops.Concatenate;
import io.ann4j.compiler.ops.Constant;
import io.ann4j.compiler.ops.Convert;
import io.ann4j.compiler.ops.DotGeneral;
import io.ann4j.compiler.ops.GatherRows;
import io.ann4j.compiler.ops.Iota;
import io.ann4j.compiler.ops.Op;
import io.ann4j.compiler.ops.Reduce;
import io.ann4j.compiler.ops.Reshape;
import io.ann4j.compiler.ops.Slice;
import io.ann4j.compiler.ops.SortKeyVal;
import io.ann4j.compiler.ops.Transpose;
import io.ann4j.compiler.ops.UnaryOp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The ops of ann4j, named as in JAX's {@code lax}. Import them statically:
 *
 * <pre>{@code
 * import static io.ann4j.dsl.Ops.*;
 *
 * var mips = Jit.jit((Tensor qy, Tensor db) -> approxMaxK(dot(qy, transpose(db)), 10, 0.95));
 * TopK r = mips.call(queries, database);
 * }</pre>
 *
 * <p>Inside a jitted function the ops record a graph; on concrete tensors they run at once.
 * Every op checks its arguments when it is called and throws an {@link IllegalArgumentException}
 * that names the op, the argument and the shapes.
 */
public final class Ops {
    private Ops() {}

    // ---- products and layout ----

    /**
     * JAX's {@code lax.dot}: vector·vector, matrix·vector, vector·matrix or matrix·matrix,
     * contracting {@code a}'s last dimension with {@code b}'s first.
     */
    public static Tensor dot(Tensor a, Tensor b) {
        requireOperands("dot", a, b);
        if (a.rank() < 1 || a.rank() > 2 || b.rank() < 1 || b.rank() > 2) {
            throw new ShapeError("dot", "takes operands of rank 1 or 2, got " + a.type() + " and " + b.type()
                    + "; use dotGeneral for higher ranks");
        }
        try {
            return one(DotGeneral.dot(a.rank()), a, b);
        } catch (ShapeError e) {
            throw withOrigins(e, a, b);
        }
    }

    /**
     * A shape error that also names the user's own operands where an op had rewritten them: in
     * {@code dot(qy, transpose(db))} the product sees {@code f32[16,500]} where the user passed
     * {@code db} as {@code f32[500,16]}.
     */
    private static ShapeError withOrigins(ShapeError e, Tensor lhs, Tensor rhs) {
        if (lhs.origin() == null && rhs.origin() == null) {
            return e;
        }
        StringBuilder sb = new StringBuilder(e.detail());
        if (lhs.origin() != null) {
            sb.append("; the lhs ").append(lhs.type()).append(" is ").append(lhs.origin());
        }
        if (rhs.origin() != null) {
            sb.append("; the rhs ").append(rhs.type()).append(" is ").append(rhs.origin());
        }
        ShapeError out = new ShapeError("dot", sb.toString());
        out.setStackTrace(e.getStackTrace());
        return out;
    }

    /**
     * JAX's {@code lax.dot_general}. The result has the batch dimensions, then {@code a}'s free
     * dimensions, then {@code b}'s.
     */
    public static Tensor dotGeneral(Tensor a, Tensor b, int[] lhsContracting, int[] rhsContracting,
                                    int[] lhsBatch, int[] rhsBatch) {
        return one(new DotGeneral(Dims.of(lhsContracting), Dims.of(rhsContracting), Dims.of(lhsBatch),
                Dims.of(rhsBatch)), a, b);
    }

    /** {@code dotGeneral} without batch dimensions. */
    public static Tensor dotGeneral(Tensor a, Tensor b, int[] lhsContracting, int[] rhsContracting) {
        return dotGeneral(a, b, lhsContracting, rhsContracting, new int[0], new int[0]);
    }

    /** Reverses the dimensions (numpy's {@code x.T}). */
    public static Tensor transpose(Tensor x) {
        int[] perm = new int[x.rank()];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = perm.length - 1 - i;
        }
        return transpose(x, perm);
    }

    /** JAX's {@code lax.transpose}: output dimension i is input dimension {@code permutation[i]}. */
    public static Tensor transpose(Tensor x, int... permutation) {
        return one(new Transpose(Dims.of(permutation)), x).withOrigin("the transpose of your " + x.type());
    }

    /** JAX's {@code lax.reshape} (row-major). */
    public static Tensor reshape(Tensor x, int... newSizes) {
        return one(new Reshape(Dims.of(newSizes)), x);
    }

    /** JAX's {@code lax.collapse}: merges dimensions {@code [start, stop)} into one. */
    public static Tensor collapse(Tensor x, int start, int stop) {
        int rank = x.rank();
        if (start < 0 || stop > rank || start >= stop) {
            throw new ShapeError("collapse", "needs 0 <= start < stop <= rank, got start " + start + ", stop " + stop
                    + " for " + x.type());
        }
        int[] s = x.shape();
        int[] out = new int[rank - (stop - start) + 1];
        int j = 0;
        for (int i = 0; i < start; i++) {
            out[j++] = s[i];
        }
        int merged = 1;
        for (int i = start; i < stop; i++) {
            merged *= s[i];
        }
        out[j++] = merged;
        for (int i = stop; i < rank; i++) {
            out[j++] = s[i];
        }
        return reshape(x, out);
    }

    /** JAX's {@code lax.broadcast_in_dim}. */
    public static Tensor broadcastInDim(Tensor x, int[] shape, int[] broadcastDimensions) {
        return one(new BroadcastInDim(Dims.of(shape), Dims.of(broadcastDimensions)), x);
    }

    /** JAX's {@code lax.concatenate}. */
    public static Tensor concatenate(int dimension, Tensor... xs) {
        return one(new Concatenate(dimension), xs);
    }

    /** JAX's {@code lax.slice}. */
    public static Tensor slice(Tensor x, int[] start, int[] limit, int[] strides) {
        return one(new Slice(Dims.of(start), Dims.of(limit), Dims.of(strides)), x);
    }

    /** JAX's {@code lax.slice_in_dim}: {@code [start, limit)} with {@code stride} along {@code axis}. */
    public static Tensor sliceInDim(Tensor x, int start, int limit, int stride, int axis) {
        int rank = x.rank();
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new ShapeError("sliceInDim", "axis " + axis + " is out of range for " + x.type());
        }
        int[] s = new int[rank];
        int[] l = x.shape();
        int[] st = new int[rank];
        Arrays.fill(st, 1);
        s[a] = start;
        l[a] = limit;
        st[a] = stride;
        return slice(x, s, l, st);
    }

    /** {@code sliceInDim} with stride 1. */
    public static Tensor sliceInDim(Tensor x, int start, int limit, int axis) {
        return sliceInDim(x, start, limit, 1, axis);
    }

    /** i32 {@code [0, 1, ..., n-1]}. */
    public static Tensor iota(int n) {
        return iota(DType.I32, new int[] {n}, 0);
    }

    /** JAX's {@code lax.broadcasted_iota}: each element is its index along {@code dimension}. */
    public static Tensor iota(DType dtype, int[] shape, int dimension) {
        return one(new Iota(dtype, Dims.of(shape), dimension));
    }

    /** A scalar constant. */
    public static Tensor constant(double value, DType dtype) {
        return one(new Constant(value, dtype));
    }

    /** JAX's {@code lax.convert_element_type}. */
    public static Tensor convert(Tensor x, DType to) {
        return one(new Convert(to), x);
    }

    /**
     * Rows of {@code operand} picked by {@code indices}: {@code operand [N, R...]} and i32
     * {@code indices [I...]} give {@code [I..., R...]}.
     */
    public static Tensor gatherRows(Tensor operand, Tensor indices) {
        return gatherRows(operand, indices, 0);
    }

    /** {@link #gatherRows(Tensor, Tensor)} with {@code batchDims} leading dimensions shared by both. */
    public static Tensor gatherRows(Tensor operand, Tensor indices, int batchDims) {
        return one(new GatherRows(batchDims), operand, indices);
    }

    // ---- top-k ----

    /**
     * The {@code k} largest values along the last dimension, approximately (JAX's
     * {@code approx_max_k} with recall target 0.95), in descending order, with their indices.
     */
    public static TopK approxMaxK(Tensor operand, int k) {
        return approxMaxK(operand, ApproxTopKOptions.k(k));
    }

    /** {@link #approxMaxK(Tensor, int)} with a recall target in (0, 1]. */
    public static TopK approxMaxK(Tensor operand, int k, double recallTarget) {
        return approxMaxK(operand, ApproxTopKOptions.k(k).recallTarget(recallTarget));
    }

    /** {@code approx_max_k} with every option. */
    public static TopK approxMaxK(Tensor operand, ApproxTopKOptions options) {
        return ExactTopKGradient.apply(options, true, operand);
    }

    /** The {@code k} smallest values, approximately (JAX's {@code approx_min_k}), ascending. */
    public static TopK approxMinK(Tensor operand, int k) {
        return approxMinK(operand, ApproxTopKOptions.k(k));
    }

    /** {@link #approxMinK(Tensor, int)} with a recall target in (0, 1]. */
    public static TopK approxMinK(Tensor operand, int k, double recallTarget) {
        return approxMinK(operand, ApproxTopKOptions.k(k).recallTarget(recallTarget));
    }

    /** {@code approx_min_k} with every option. */
    public static TopK approxMinK(Tensor operand, ApproxTopKOptions options) {
        return ExactTopKGradient.apply(options, false, operand);
    }

    /** JAX's exact {@code lax.top_k} over the last dimension: the ground truth of a search. */
    public static TopK topK(Tensor operand, int k) {
        return pair(new io.ann4j.compiler.ops.TopK(k), operand);
    }

    /** JAX's {@code lax.sort_key_val}: ascending, stable, along {@code dimension}. */
    public static KeyValue sortKeyVal(Tensor keys, Tensor values, int dimension) {
        int d = dimension < 0 ? dimension + keys.rank() : dimension;
        List<Tensor> outs = apply(new SortKeyVal(d), keys, values);
        return new KeyValue(outs.get(0), outs.get(1));
    }

    // ---- elementwise, with numpy broadcasting ----

    public static Tensor add(Tensor a, Tensor b) {
        return binary(BinaryOp.Kind.ADD, a, b);
    }

    public static Tensor sub(Tensor a, Tensor b) {
        return binary(BinaryOp.Kind.SUB, a, b);
    }

    public static Tensor mul(Tensor a, Tensor b) {
        return binary(BinaryOp.Kind.MUL, a, b);
    }

    public static Tensor div(Tensor a, Tensor b) {
        return binary(BinaryOp.Kind.DIV, a, b);
    }

    /** Elementwise maximum. */
    public static Tensor maximum(Tensor a, Tensor b) {
        return binary(BinaryOp.Kind.MAX, a, b);
    }

    /** Elementwise minimum. */
    public static Tensor minimum(Tensor a, Tensor b) {
        return binary(BinaryOp.Kind.MIN, a, b);
    }

    public static Tensor add(Tensor a, double b) {
        return add(a, constant(b, a.dtype()));
    }

    public static Tensor sub(Tensor a, double b) {
        return sub(a, constant(b, a.dtype()));
    }

    public static Tensor mul(Tensor a, double b) {
        return mul(a, constant(b, a.dtype()));
    }

    public static Tensor div(Tensor a, double b) {
        return div(a, constant(b, a.dtype()));
    }

    public static Tensor neg(Tensor x) {
        return one(new UnaryOp(UnaryOp.Kind.NEG), x);
    }

    public static Tensor sqrt(Tensor x) {
        return one(new UnaryOp(UnaryOp.Kind.SQRT), x);
    }

    public static Tensor square(Tensor x) {
        return one(new UnaryOp(UnaryOp.Kind.SQUARE), x);
    }

    /** Elementwise e^x. */
    public static Tensor exp(Tensor x) {
        return one(new UnaryOp(UnaryOp.Kind.EXP), x);
    }

    /** Elementwise natural logarithm. */
    public static Tensor log(Tensor x) {
        return one(new UnaryOp(UnaryOp.Kind.LOG), x);
    }

    /** Elementwise sign: -1, 0 or 1 (NaN stays NaN); its derivative is zero. */
    public static Tensor sign(Tensor x) {
        return one(new UnaryOp(UnaryOp.Kind.SIGN), x);
    }

    /**
     * The transpose of {@link #gatherRows(Tensor, Tensor, int)}: sums {@code updates}
     * {@code [B..., I..., R...]} into the rows {@code indices} {@code [B..., I...]} name of a
     * zero array {@code [B..., size, R...]}, in a fixed order (a deterministic segment sum).
     */
    public static Tensor scatterAddRows(Tensor updates, Tensor indices, int size, int batchDims) {
        return one(new io.ann4j.compiler.ops.ScatterAddRows(batchDims, size), updates, indices);
    }

    /**
     * {@code log(sum(exp(x)))} over {@code axis}, computed stably (the maximum subtracted first
     * and added back; its contributions to the derivative cancel, leaving the softmax).
     */
    public static Tensor logSumExp(Tensor x, int axis) {
        int[] keep = new int[x.rank() - 1];
        for (int a = 0, j = 0; a < x.rank(); a++) {
            if (a != axis) {
                keep[j++] = a;
            }
        }
        Tensor max = reduceMax(x, axis);
        Tensor shifted = sub(x, broadcastInDim(max, x.shape(), keep));
        return add(log(sum(exp(shifted), axis)), max);
    }

    public static Tensor abs(Tensor x) {
        return one(new UnaryOp(UnaryOp.Kind.ABS), x);
    }

    // ---- reductions ----

    /** Sum over {@code axes} (all axes when none are given); negative axes count from the end. */
    public static Tensor sum(Tensor x, int... axes) {
        return one(new Reduce(Reduce.Kind.SUM, axes(x, axes)), x);
    }

    /** Maximum over {@code axes} (all axes when none are given). */
    public static Tensor reduceMax(Tensor x, int... axes) {
        return one(new Reduce(Reduce.Kind.MAX, axes(x, axes)), x);
    }

    /** Squared L2 norms of the rows of a matrix: {@code sum(square(x), 1)}. */
    public static Tensor squaredNorms(Tensor x) {
        return sum(square(x), x.rank() - 1);
    }

    /** Rows scaled to unit L2 norm (cosine search is MIPS over normalised rows). */
    public static Tensor normalizeRows(Tensor x) {
        Tensor norms = sqrt(squaredNorms(x));
        int[] shape = x.shape();
        int[] dims = new int[x.rank() - 1];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = i;
        }
        return div(x, broadcastInDim(norms, shape, dims));
    }

    // ---- plumbing ----

    private static Dims axes(Tensor x, int[] axes) {
        if (axes.length == 0) {
            return Dims.range(x.rank());
        }
        int[] a = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            a[i] = axes[i] < 0 ? axes[i] + x.rank() : axes[i];
        }
        return Dims.of(a);
    }

    private static Tensor binary(BinaryOp.Kind kind, Tensor a, Tensor b) {
        String name = kind.name().toLowerCase(java.util.Locale.ROOT);
        requireOperands(name, a, b);
        if (a.dtype() != b.dtype()) {
            throw new ShapeError(name, "operands must have the same dtype, got " + a.type() + " and " + b.type()
                    + " (convert one with convert())");
        }
        int rank = Math.max(a.rank(), b.rank());
        int[] shape = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i - (rank - a.rank()) >= 0 ? a.shape()[i - (rank - a.rank())] : 1;
            int db = i - (rank - b.rank()) >= 0 ? b.shape()[i - (rank - b.rank())] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new ShapeError(name, "shapes " + a.type() + " and " + b.type() + " cannot be broadcast together");
            }
            shape[i] = da == 1 ? db : da;
        }
        return one(new BinaryOp(kind), broadcastTo(a, shape), broadcastTo(b, shape));
    }

    private static Tensor broadcastTo(Tensor x, int[] shape) {
        if (Arrays.equals(x.shape(), shape)) {
            return x;
        }
        int offset = shape.length - x.rank();
        int[] dims = new int[x.rank()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = offset + i;
        }
        return broadcastInDim(x, shape, dims);
    }

    private static void requireOperands(String op, Tensor... operands) {
        for (int i = 0; i < operands.length; i++) {
            if (operands[i] == null) {
                throw new IllegalArgumentException(op + ": operand " + i + " is null");
            }
        }
    }

    private static Tensor one(Op op, Tensor... inputs) {
        return apply(op, inputs).get(0);
    }

    private static TopK pair(Op op, Tensor operand) {
        List<Tensor> outs = apply(op, operand);
        return new TopK(outs.get(0), outs.get(1));
    }

    /** Records {@code op} in the inputs' trace, or runs it now when every input is concrete. */
    static List<Tensor> apply(Op op, Tensor... inputs) {
        Trace trace = null;
        for (Tensor t : inputs) {
            if (t == null) {
                throw new IllegalArgumentException(op.name() + ": an operand is null");
            }
            if (!t.isConcrete()) {
                if (trace != null && trace != t.trace()) {
                    throw new IllegalArgumentException(op.name() + ": operands come from different traces");
                }
                trace = t.trace();
            }
        }
        if (trace == null && inputs.length == 0) {
            trace = Trace.current();
        }
        if (trace == null) {
            return Eager.run(op, inputs);
        }
        for (Tensor t : inputs) {
            if (t.isConcrete()) {
                throw new IllegalArgumentException(op.name() + ": a concrete tensor " + t.type()
                        + " was used inside a traced function; pass it as an argument instead");
            }
        }
        return trace.add(op, new ArrayList<>(List.of(inputs)));
    }
}
