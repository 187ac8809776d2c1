package io.ann4j.runtime.cpu.dense;

import io.ann4j.compiler.spi.HalfArrays;
import io.ann4j.compiler.spi.StorageTypes;
import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.Dims;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.ops.BinaryOp;
import io.ann4j.compiler.ops.DotGeneral;
import io.ann4j.compiler.ops.Reduce;
import io.ann4j.compiler.ops.UnaryOp;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The CPU lowering of the ops that are not top-k searches, on ND4J arrays. Every result is a new
 * dense c-order array of the op's compute type (half types compute in f32).
 */
public final class DenseOps {
    private DenseOps() {}

    public static INDArray constant(double value, DType t) {
        return Nd4j.scalar(StorageTypes.computeType(t), value).reshape(new long[0]);
    }

    public static INDArray iota(TensorType t, int dimension) {
        long n = t.elementCount();
        double[] v = new double[(int) n];
        int[] shape = t.shape().toArray();
        long inner = 1;
        for (int a = dimension + 1; a < shape.length; a++) {
            inner *= shape[a];
        }
        for (int i = 0; i < n; i++) {
            v[i] = (i / inner) % shape[dimension];
        }
        return Nd4j.createFromArray(v).castTo(StorageTypes.computeType(t.dtype())).reshape('c', StorageTypes.longs(t.shape()));
    }

    /** Per-batch products below this many multiply-adds run as plain loops (a gemm call costs more). */
    private static final long SMALL_BATCH_MACS = 1 << 16;

    /** {@code dot_general}: batched gemm over [B, M, K] x [B, K, N] after moving axes into place. */
    public static INDArray dotGeneral(DotGeneral d, INDArray lhs, INDArray rhs, TensorType outType) {
        // Mixed dtypes (f32 with a widened half, f32 with f64) multiply in the promoted type.
        DataType compute = outType.dtype().isHalf() ? DataType.FLOAT : StorageTypes.storageType(outType.dtype());
        lhs = lhs.dataType() == compute ? lhs : lhs.castTo(compute);
        rhs = rhs.dataType() == compute ? rhs : rhs.castTo(compute);
        int lr = lhs.rank();
        int rr = rhs.rank();
        if (lr == 2 && rr == 2 && d.lhsBatch().size() == 0) {
            boolean transA = d.lhsContracting().get(0) == 0;
            boolean transB = d.rhsContracting().get(0) == 1;
            return Nd4j.gemm(lhs, rhs, transA, transB);
        }
        int[] lFree = d.lhsFree(lr);
        int[] rFree = d.rhsFree(rr);
        int[] lPerm = concat(d.lhsBatch().toArray(), lFree, d.lhsContracting().toArray());
        int[] rPerm = concat(d.rhsBatch().toArray(), d.rhsContracting().toArray(), rFree);
        long b = product(lhs, d.lhsBatch().toArray());
        long m = product(lhs, lFree);
        long k = product(lhs, d.lhsContracting().toArray());
        long n = product(rhs, rFree);
        INDArray l3 = lhs.permute(lPerm).dup('c').reshape('c', b, m, k);
        INDArray r3 = rhs.permute(rPerm).dup('c').reshape('c', b, k, n);
        if (m * k * n <= SMALL_BATCH_MACS && (lhs.dataType() == DataType.FLOAT || lhs.dataType() == DataType.DOUBLE)) {
            return SmallBatchedDot.multiply(l3, r3, b, m, k, n).reshape('c', StorageTypes.longs(outType.shape()));
        }
        INDArray out = Nd4j.create(lhs.dataType(), new long[] {b, m, n}, 'c');
        for (long i = 0; i < b; i++) {
            INDArray li = l3.slice(i).reshape('c', m, k);
            INDArray ri = r3.slice(i).reshape('c', k, n);
            out.slice(i).assign(Nd4j.gemm(li.dup('c'), ri.dup('c'), false, false).reshape(out.slice(i).shape()));
        }
        return out.reshape('c', StorageTypes.longs(outType.shape()));
    }

    public static INDArray transpose(INDArray x, Dims perm) {
        return x.permute(perm.toArray()).dup('c');
    }

    public static INDArray reshape(INDArray x, Dims sizes) {
        return x.dup('c').reshape('c', StorageTypes.longs(sizes));
    }

    public static INDArray broadcastInDim(INDArray x, Dims shape, Dims dims) {
        long[] target = StorageTypes.longs(shape);
        if (x.rank() == 0 || x.length() == 1) {
            return Nd4j.valueArrayOf(target, x.getDouble(0), x.dataType());
        }
        long[] expanded = new long[target.length];
        Arrays.fill(expanded, 1);
        for (int i = 0; i < dims.size(); i++) {
            expanded[dims.get(i)] = x.size(i);
        }
        return Broadcasts.expand(io.ann4j.compiler.spi.NativeViews.dense(x), expanded, target);
    }

    public static INDArray slice(INDArray x, Dims start, Dims limit, Dims strides, TensorType outType) {
        INDArrayIndex[] idx = new INDArrayIndex[x.rank()];
        for (int a = 0; a < idx.length; a++) {
            idx[a] = NDArrayIndex.interval(start.get(a), strides.get(a), limit.get(a));
        }
        if (outType.elementCount() == 0) {
            return Nd4j.create(x.dataType(), StorageTypes.longs(outType.shape()), 'c');
        }
        return x.get(idx).dup('c').reshape('c', StorageTypes.longs(outType.shape()));
    }

    public static INDArray binary(BinaryOp.Kind kind, INDArray a, INDArray b) {
        return switch (kind) {
            case ADD -> a.add(b);
            case SUB -> a.sub(b);
            case MUL -> a.mul(b);
            case DIV -> a.div(b);
            case MAX -> Transforms.max(a, b, true);
            case MIN -> Transforms.min(a, b, true);
        };
    }

    public static INDArray unary(UnaryOp.Kind kind, INDArray x) {
        return switch (kind) {
            case NEG -> x.neg();
            case SQRT -> Transforms.sqrt(x, true);
            case SQUARE -> x.mul(x);
            case ABS -> Transforms.abs(x, true);
            case EXP -> Transforms.exp(x, true);
            case LOG -> Transforms.log(x, true);
            case SIGN -> Transforms.sign(x, true);
        };
    }

    public static INDArray reduce(Reduce r, INDArray x, TensorType outType) {
        INDArray out;
        if (r.axes().size() == 0) {
            out = x.dup('c');
        } else {
            out = r.kind() == Reduce.Kind.SUM ? x.sum(r.axes().toArray()) : x.max(r.axes().toArray());
        }
        return out.dup('c').reshape('c', StorageTypes.longs(outType.shape()));
    }

    public static INDArray convert(INDArray x, DType to) {
        DataType compute = StorageTypes.computeType(to);
        if (to.isHalf()) {
            // Round to the half type (nearest even), then hold the value in f32.
            return HalfArrays.halfToFloat(HalfArrays.floatToHalf(x, to));
        }
        return x.dataType() == compute ? x.dup('c') : x.castTo(compute);
    }

    private static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }

    private static long product(INDArray x, int[] axes) {
        long p = 1;
        for (int a : axes) {
            p *= x.size(a);
        }
        return p;
    }
}
