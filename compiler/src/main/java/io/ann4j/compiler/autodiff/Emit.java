package io.ann4j.compiler.autodiff;

import io.ann4j.compiler.ir.Dims;
import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.GraphBuilder;
import io.ann4j.compiler.ir.Permutations;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.ir.Value;
import io.ann4j.compiler.ops.BinaryOp;
import io.ann4j.compiler.ops.BroadcastInDim;
import io.ann4j.compiler.ops.Concatenate;
import io.ann4j.compiler.ops.Constant;
import io.ann4j.compiler.ops.Convert;
import io.ann4j.compiler.ops.GatherRows;
import io.ann4j.compiler.ops.Reduce;
import io.ann4j.compiler.ops.Reshape;
import io.ann4j.compiler.ops.Slice;
import io.ann4j.compiler.ops.ScatterAddRows;
import io.ann4j.compiler.ops.Transpose;
import io.ann4j.compiler.ops.UnaryOp;
import java.util.ArrayList;
import java.util.List;

/**
 * The small vocabulary derivative rules are written in, over a {@link GraphBuilder}: arithmetic
 * with scalars broadcast as needed, zeros, the transposes of broadcasts, and gathers and scatters
 * along an axis. A {@code null} value stands for a symbolic zero (JAX's {@code Zero}), which
 * the helpers that accumulate treat as such, so that unused paths emit no ops at all.
 */
public final class Emit {
    private final GraphBuilder b;

    public Emit(GraphBuilder b) {
        this.b = b;
    }

    public GraphBuilder builder() {
        return b;
    }

    public Value binary(BinaryOp.Kind kind, Value x, Value y) {
        return b.add1(new BinaryOp(kind), x, y);
    }

    public Value add(Value x, Value y) {
        return binary(BinaryOp.Kind.ADD, x, y);
    }

    /** Sum where {@code null} is zero; null only if both are. */
    public Value addZ(Value x, Value y) {
        return x == null ? y : y == null ? x : add(x, y);
    }

    public Value sub(Value x, Value y) {
        return binary(BinaryOp.Kind.SUB, x, y);
    }

    public Value mul(Value x, Value y) {
        return binary(BinaryOp.Kind.MUL, x, y);
    }

    public Value div(Value x, Value y) {
        return binary(BinaryOp.Kind.DIV, x, y);
    }

    public Value unary(UnaryOp.Kind kind, Value x) {
        return b.add1(new UnaryOp(kind), x);
    }

    public Value neg(Value x) {
        return unary(UnaryOp.Kind.NEG, x);
    }

    /** A value of {@code like}'s type filled with {@code v}. */
    public Value full(double v, TensorType like) {
        Value c = b.add1(new Constant(v, like.dtype()));
        return like.rank() == 0 ? c : b.add1(new BroadcastInDim(like.shape(), Dims.empty()), c);
    }

    public Value zeros(TensorType like) {
        return full(0, like);
    }

    /** {@code x * v} for a scalar {@code v}. */
    public Value scale(Value x, double v) {
        return mul(x, full(v, x.type()));
    }

    public Value broadcast(Value x, TensorType target, int... dims) {
        return b.add1(new BroadcastInDim(target.shape(), Dims.of(dims)), x);
    }

    public Value reduceSum(Value x, int... axes) {
        return axes.length == 0 ? x : b.add1(new Reduce(Reduce.Kind.SUM, Dims.of(axes)), x);
    }

    public Value reshape(Value x, int... sizes) {
        return java.util.Arrays.equals(x.type().shape().toArray(), sizes) ? x : b.add1(new Reshape(Dims.of(sizes)), x);
    }

    public Value transpose(Value x, int... perm) {
        boolean identity = true;
        for (int i = 0; i < perm.length; i++) {
            identity &= perm[i] == i;
        }
        return identity ? x : b.add1(new Transpose(Dims.of(perm)), x);
    }

    public Value convert(Value x, DType to) {
        return x.type().dtype() == to ? x : b.add1(new Convert(to), x);
    }

    /**
     * The transpose of {@code broadcastInDim(operand, ct.shape, dims)}: sums {@code ct} over the
     * dimensions the broadcast added and over the ones it stretched from size 1.
     */
    public Value unbroadcast(Value ct, TensorType operand, Dims dims) {
        List<Integer> summed = new ArrayList<>();
        for (int a = 0; a < ct.type().rank(); a++) {
            int i = indexOf(dims, a);
            if (i < 0 || (operand.dim(i) == 1 && ct.type().dim(a) != 1)) {
                summed.add(a);
            }
        }
        Value s = reduceSum(ct, summed.stream().mapToInt(Integer::intValue).toArray());
        return reshape(s, operand.shape().toArray());
    }

    private static int indexOf(Dims d, int v) {
        for (int i = 0; i < d.size(); i++) {
            if (d.get(i) == v) {
                return i;
            }
        }
        return -1;
    }

    /** {@code out[..., j, ...] = x[..., idx[..., j, ...], ...]} along {@code axis} (numpy's take_along_axis). */
    public Value takeAlongAxis(Value x, Value idx, int axis) {
        int rank = x.type().rank();
        int[] perm = Permutations.moveLast(rank, axis);
        Value g = b.add1(new GatherRows(rank - 1), transpose(x, perm), transpose(idx, perm));
        return transpose(g, Permutations.inverse(perm));
    }

    /** The transpose of {@link #takeAlongAxis}: adds {@code u} into zeros of {@code size} along {@code axis}. */
    public Value scatterAlongAxis(Value u, Value idx, int axis, int size) {
        int rank = u.type().rank();
        int[] perm = Permutations.moveLast(rank, axis);
        Value s = b.add1(new ScatterAddRows(rank - 1, size), transpose(u, perm), transpose(idx, perm));
        return transpose(s, Permutations.inverse(perm));
    }



    /** 1 where {@code x > y}, 0 where {@code x < y}, 1/2 at ties (JAX's convention for max's derivative). */
    public Value greaterMask(Value x, Value y) {
        Value s = unary(UnaryOp.Kind.SIGN, sub(x, y));
        return scale(add(s, full(1, s.type())), 0.5);
    }

    /**
     * The transpose of {@code slice}: {@code ct} placed where the slice read it in zeros of the
     * operand's type (strides become interleaved zeros), built from reshapes and concatenations.
     */
    public Value unslice(Value ct, Slice s, TensorType operand) {
        Value v = ct;
        for (int a = 0; a < operand.rank(); a++) {
            int m = v.type().dim(a);
            int stride = s.strides().get(a);
            if (stride > 1 && m > 0) {
                int[] shape = v.type().shape().toArray();
                int[] withAxis = insert(shape, a + 1, 1);
                Value col = reshape(v, withAxis);
                int[] zerosShape = withAxis.clone();
                zerosShape[a + 1] = stride - 1;
                Value spaced = concat(a + 1, col, zeros(v.type().withShape(zerosShape)));
                int[] flat = shape.clone();
                flat[a] = m * stride;
                Value interleaved = reshape(spaced, flat);
                int[] start = new int[shape.length];
                int[] limit = flat.clone();
                limit[a] = (m - 1) * stride + 1;
                int[] ones = new int[shape.length];
                java.util.Arrays.fill(ones, 1);
                v = b.add1(new Slice(Dims.of(start), Dims.of(limit), Dims.of(ones)), interleaved);
            }
            int before = s.start().get(a);
            int after = operand.dim(a) - before - v.type().dim(a);
            List<Value> parts = new ArrayList<>();
            if (before > 0) {
                parts.add(zeros(v.type().withShape(with(v.type().shape().toArray(), a, before))));
            }
            parts.add(v);
            if (after > 0) {
                parts.add(zeros(v.type().withShape(with(v.type().shape().toArray(), a, after))));
            }
            v = parts.size() == 1 ? v : concat(a, parts.toArray(Value[]::new));
        }
        return v;
    }

    public Value concat(int dimension, Value... parts) {
        return b.add(new Concatenate(dimension), List.of(parts)).get(0);
    }

    private static int[] with(int[] shape, int axis, int size) {
        int[] out = shape.clone();
        out[axis] = size;
        return out;
    }

    private static int[] insert(int[] shape, int at, int size) {
        int[] out = new int[shape.length + 1];
        for (int i = 0, j = 0; i < out.length; i++) {
            out[i] = i == at ? size : shape[j++];
        }
        return out;
    }
}
