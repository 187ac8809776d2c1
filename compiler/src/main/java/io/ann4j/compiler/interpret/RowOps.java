package io.ann4j.compiler.interpret;

import io.ann4j.compiler.ir.TensorType;

/** Rows by index: {@code gatherRows} (fetch the candidates' vectors) and its transpose {@code scatterAddRows}. */
final class RowOps {
    private RowOps() {}

    /** {@code out[b, i, r] = operand[b, indices[b, i], r]}, with the batch, index and row axes flattened. */
    static RefArray gather(RefArray operand, RefArray indices, int batchDims, TensorType outType) {
        int b = RefArray.product(operand.shape(), 0, batchDims);
        int n = operand.shape()[batchDims];
        int width = RefArray.product(operand.shape(), batchDims + 1, operand.rank());
        int picks = RefArray.product(indices.shape(), batchDims, indices.rank());
        RefArray out = RefArray.zeros(outType);
        for (int bi = 0; bi < b; bi++) {
            for (int i = 0; i < picks; i++) {
                int row = row("gatherRows", indices, bi * picks + i, n, operand.shape());
                System.arraycopy(operand.data(), (bi * n + row) * width, out.data(), (bi * picks + i) * width, width);
            }
        }
        return out;
    }

    /** {@code out[b, indices[b, i], r] += updates[b, i, r]} into zeros, in the order of {@code i}, each sum rounded to the dtype. */
    static RefArray scatterAdd(RefArray updates, RefArray indices, int batchDims, int size, TensorType outType) {
        int b = RefArray.product(indices.shape(), 0, batchDims);
        int picks = RefArray.product(indices.shape(), batchDims, indices.rank());
        int width = RefArray.product(updates.shape(), indices.rank(), updates.rank());
        RefArray out = RefArray.zeros(outType);
        for (int bi = 0; bi < b; bi++) {
            for (int i = 0; i < picks; i++) {
                int row = row("scatterAddRows", indices, bi * picks + i, size, outType.shape().toArray());
                int to = (bi * size + row) * width;
                int from = (bi * picks + i) * width;
                for (int r = 0; r < width; r++) {
                    out.data()[to + r] = RefArray.round(outType.dtype(), out.data()[to + r] + updates.data()[from + r]);
                }
            }
        }
        return out;
    }

    private static int row(String op, RefArray indices, int at, int n, int[] shape) {
        int row = (int) indices.data()[at];
        if (row < 0 || row >= n) {
            throw new IllegalArgumentException(op + ": index " + row + " is out of range [0, " + n + ") for rows of shape "
                    + java.util.Arrays.toString(shape));
        }
        return row;
    }
}
