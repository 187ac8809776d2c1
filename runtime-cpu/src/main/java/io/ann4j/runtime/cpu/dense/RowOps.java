package io.ann4j.runtime.cpu.dense;

import io.ann4j.compiler.spi.StorageTypes;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.spi.NativeViews;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code gatherRows} and its transpose {@code scatterAddRows}, on the arrays' native memory: a
 * gradient touches {@code Q x k} rows of a database, and per-row ND4J views would cost more than
 * the search. Every index is checked. The scatter adds in update order, one thread, so its sums
 * are the same bits whatever the thread count.
 */
public final class RowOps {
    private RowOps() {}

    /** {@code [batch, perBatch, rowSize]} geometry of an operand split at {@code batchDims}. */
    private record Geometry(long batch, long n, long rowSize, long perBatch) {
        static Geometry of(long[] rowsShape, int batchDims, long indexCount) {
            long batch = 1;
            for (int a = 0; a < batchDims; a++) {
                batch *= rowsShape[a];
            }
            long n = rowsShape[batchDims];
            long rowSize = 1;
            for (int a = batchDims + 1; a < rowsShape.length; a++) {
                rowSize *= rowsShape[a];
            }
            return new Geometry(batch, n, rowSize, batch == 0 ? 0 : indexCount / batch);
        }
    }

    public static INDArray gatherRows(INDArray operand, INDArray indices, int batchDims, TensorType outType) {
        INDArray src = NativeViews.dense(operand);
        Geometry g = Geometry.of(src.shape(), batchDims, indices.length());
        int[] idx = indexArray(indices);
        INDArray out = Nd4j.create(src.dataType(), StorageTypes.longs(outType.shape()), 'c');
        if (out.length() == 0) {
            return out;
        }
        long width = src.dataType().width();
        long rowBytes = g.rowSize() * width;
        MemorySegment from = NativeViews.segment(src);
        MemorySegment to = NativeViews.segment(out);
        for (long b = 0; b < g.batch(); b++) {
            for (long i = 0; i < g.perBatch(); i++) {
                int row = checked("gatherRows", idx[(int) (b * g.perBatch() + i)], g.n(), src);
                MemorySegment.copy(from, ((b * g.n() + row) * g.rowSize()) * width, to, (b * g.perBatch() + i) * rowBytes, rowBytes);
            }
        }
        return out;
    }

    /** Sums {@code updates} into the rows named by {@code indices} of a zero array of {@code outType}. */
    public static INDArray scatterAddRows(INDArray updates, INDArray indices, int batchDims, TensorType outType) {
        INDArray src = NativeViews.dense(updates);
        long[] outShape = StorageTypes.longs(outType.shape());
        Geometry g = Geometry.of(outShape, batchDims, indices.length());
        int[] idx = indexArray(indices);
        INDArray out = Nd4j.create(src.dataType(), outShape, 'c'); // zeroed
        if (out.length() == 0 || src.length() == 0) {
            return out;
        }
        MemorySegment from = NativeViews.segment(src);
        MemorySegment to = NativeViews.segment(out);
        DataType t = src.dataType();
        long r = g.rowSize();
        for (long b = 0; b < g.batch(); b++) {
            for (long i = 0; i < g.perBatch(); i++) {
                long upd = (b * g.perBatch() + i) * r;
                long dst = (b * g.n() + checked("scatterAddRows", idx[(int) (b * g.perBatch() + i)], g.n(), out)) * r;
                switch (t) {
                    case FLOAT -> {
                        for (long c = 0; c < r; c++) {
                            to.setAtIndex(ValueLayout.JAVA_FLOAT, dst + c,
                                    to.getAtIndex(ValueLayout.JAVA_FLOAT, dst + c) + from.getAtIndex(ValueLayout.JAVA_FLOAT, upd + c));
                        }
                    }
                    case DOUBLE -> {
                        for (long c = 0; c < r; c++) {
                            to.setAtIndex(ValueLayout.JAVA_DOUBLE, dst + c,
                                    to.getAtIndex(ValueLayout.JAVA_DOUBLE, dst + c) + from.getAtIndex(ValueLayout.JAVA_DOUBLE, upd + c));
                        }
                    }
                    case INT -> {
                        for (long c = 0; c < r; c++) {
                            to.setAtIndex(ValueLayout.JAVA_INT, dst + c,
                                    to.getAtIndex(ValueLayout.JAVA_INT, dst + c) + from.getAtIndex(ValueLayout.JAVA_INT, upd + c));
                        }
                    }
                    default -> throw new IllegalArgumentException("scatterAddRows: unsupported dtype " + t);
                }
            }
        }
        return out;
    }

    private static int[] indexArray(INDArray indices) {
        return indices.length() == 0 ? new int[0] : indices.dup('c').reshape('c', new long[] {indices.length()}).toIntVector();
    }

    private static int checked(String op, int row, long n, INDArray operand) {
        if (row < 0 || row >= n) {
            throw new IllegalArgumentException(op + ": index " + row + " is out of range [0, " + n + ") for rows of shape "
                    + Arrays.toString(operand.shape()));
        }
        return row;
    }
}
