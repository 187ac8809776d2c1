package io.ann4j.compiler.interpret;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.TensorType;
import java.util.List;

/** The ops that move elements without computing on them: iota, transpose, reshape, broadcast, concatenate, slice. */
final class ShapeOps {
    private ShapeOps() {}

    static RefArray constant(double value, DType t) {
        return new RefArray(t, new int[0], new double[] {RefArray.roundToStorage(t, value)});
    }

    /** {@code out[..., i_dimension, ...] = i_dimension}. */
    static RefArray iota(TensorType t, int dimension) {
        int[] shape = t.shape().toArray();
        RefArray out = RefArray.zeros(t);
        int inner = RefArray.product(shape, dimension + 1, shape.length);
        for (int i = 0; i < out.size(); i++) {
            out.data()[i] = (i / inner) % shape[dimension];
        }
        return out;
    }

    /** {@code out[i_0, ..., i_r] = x[j]} with {@code j[perm[a]] = i_a}. */
    static RefArray transpose(RefArray x, int[] perm) {
        int rank = x.rank();
        int[] shape = new int[rank];
        for (int a = 0; a < rank; a++) {
            shape[a] = x.shape()[perm[a]];
        }
        int[] inStrides = RefArray.strides(x.shape());
        RefArray out = RefArray.zeros(x.dtype(), shape);
        int[] idx = new int[rank];
        for (int i = 0; i < out.size(); i++) {
            int src = 0;
            for (int a = 0; a < rank; a++) {
                src += idx[a] * inStrides[perm[a]];
            }
            out.data()[i] = x.data()[src];
            next(idx, shape);
        }
        return out;
    }

    static RefArray reshape(RefArray x, int[] shape) {
        return new RefArray(x.dtype(), shape.clone(), x.data());
    }

    /** Input axis {@code a} becomes output axis {@code dims[a]}; an input axis of size 1 repeats. */
    static RefArray broadcastInDim(RefArray x, int[] shape, int[] dims) {
        int[] inStrides = RefArray.strides(x.shape());
        RefArray out = RefArray.zeros(x.dtype(), shape);
        int[] idx = new int[shape.length];
        for (int i = 0; i < out.size(); i++) {
            int src = 0;
            for (int a = 0; a < dims.length; a++) {
                src += (x.shape()[a] == 1 ? 0 : idx[dims[a]]) * inStrides[a];
            }
            out.data()[i] = x.data()[src];
            next(idx, shape);
        }
        return out;
    }

    static RefArray concatenate(List<RefArray> parts, int dimension, TensorType outType) {
        RefArray out = RefArray.zeros(outType);
        int[] shape = out.shape();
        int outer = RefArray.product(shape, 0, dimension);
        int inner = RefArray.product(shape, dimension + 1, shape.length);
        int at = 0;
        for (RefArray p : parts) {
            int width = p.shape()[dimension] * inner;
            for (int o = 0; o < outer; o++) {
                System.arraycopy(p.data(), o * width, out.data(), o * shape[dimension] * inner + at, width);
            }
            at += width;
        }
        return out;
    }

    /** {@code out[i] = x[start + i * strides]}, per axis. */
    static RefArray slice(RefArray x, int[] start, int[] strides, TensorType outType) {
        RefArray out = RefArray.zeros(outType);
        int[] inStrides = RefArray.strides(x.shape());
        int[] shape = out.shape();
        int[] idx = new int[shape.length];
        for (int i = 0; i < out.size(); i++) {
            int src = 0;
            for (int a = 0; a < shape.length; a++) {
                src += (start[a] + idx[a] * strides[a]) * inStrides[a];
            }
            out.data()[i] = x.data()[src];
            next(idx, shape);
        }
        return out;
    }

    /** Advances a row-major multi-index over {@code shape}. */
    static void next(int[] idx, int[] shape) {
        for (int a = idx.length - 1; a >= 0; a--) {
            if (++idx[a] < shape[a]) {
                return;
            }
            idx[a] = 0;
        }
    }
}
