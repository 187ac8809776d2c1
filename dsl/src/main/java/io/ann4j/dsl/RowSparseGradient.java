package io.ann4j.dsl;

import io.ann4j.compiler.ir.TensorType;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A gradient that touches only some rows of a large array (an embedding table, a database):
 * row ids and one row of values each, where ids may repeat and the gradient is the sum of the
 * rows per id (TensorFlow's {@code IndexedSlices}). {@link #coalesce} sums them deterministically;
 * {@link #toDense} builds the full array, for tables small enough to densify.
 *
 * @param indices i32 {@code [M]} row ids
 * @param updates {@code [M, R...]} one row per id
 * @param dense   the type of the full gradient {@code [N, R...]}
 */
public record RowSparseGradient(Tensor indices, Tensor updates, TensorType dense) {

    /** The row ids as a plain {@code int[M]} (ids may repeat; see {@link #coalesce}). */
    public int[] rowIds() {
        return indices.array().dup('c').data().asInt();
    }

    /**
     * The updates as a plain {@code float[M][R]}, one row per id, for a gradient of a matrix
     * ({@code [N, R]}; f64, bf16 and f16 values converted to float).
     *
     * @throws IllegalStateException when the gradient is not of a matrix
     */
    public float[][] updatesMatrix() {
        if (dense.rank() != 2) {
            throw new IllegalStateException("RowSparseGradient.updatesMatrix: the gradient is of " + dense
                    + "; expected a matrix [N, R]: read updates().array() for other ranks");
        }
        INDArray u = updates.array();
        float[] flat = (u.dataType() == org.nd4j.linalg.api.buffer.DataType.FLOAT ? u
                : u.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT)).dup('c').data().asFloat();
        int width = dense.dim(1);
        float[][] out = new float[flat.length / Math.max(1, width)][];
        for (int r = 0; r < out.length; r++) {
            out[r] = Arrays.copyOfRange(flat, r * width, (r + 1) * width);
        }
        return out;
    }

    /** Distinct row ids, ascending, with their summed rows. */
    public record Rows(int[] ids, INDArray values) {}

    /**
     * The distinct ids in ascending order and each one's rows summed in their order of
     * appearance: the same inputs give the same bits on any number of threads.
     */
    public Rows coalesce() {
        int[] ids = indices.array().toIntVector();
        INDArray upd = updates.array().reshape('c', ids.length, ids.length == 0 ? 0 : updates.array().length() / ids.length);
        Integer[] order = new Integer[ids.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> ids[a] != ids[b] ? Integer.compare(ids[a], ids[b]) : Integer.compare(a, b));
        int distinct = 0;
        for (int i = 0; i < order.length; i++) {
            if (i == 0 || ids[order[i]] != ids[order[i - 1]]) {
                distinct++;
            }
        }
        // the output row of each update, in sorted order: a new row where the id changes
        int[] out = new int[distinct];
        int[] target = new int[order.length];
        int row = -1;
        for (int i = 0; i < order.length; i++) {
            if (i == 0 || ids[order[i]] != ids[order[i - 1]]) {
                out[++row] = ids[order[i]];
            }
            target[i] = row;
        }
        int width = Math.toIntExact(upd.size(1));
        INDArray values;
        if (upd.dataType() == org.nd4j.linalg.api.buffer.DataType.DOUBLE) {
            double[] src = upd.dup('c').data().asDouble();
            double[] sum = new double[distinct * width];
            for (int i = 0; i < order.length; i++) {
                for (int c = 0; c < width; c++) {
                    sum[target[i] * width + c] += src[order[i] * width + c];
                }
            }
            values = Nd4j.create(sum, new long[] {distinct, width}, org.nd4j.linalg.api.buffer.DataType.DOUBLE);
        } else {
            float[] src = upd.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).dup('c').data().asFloat();
            float[] sum = new float[distinct * width];
            for (int i = 0; i < order.length; i++) {
                for (int c = 0; c < width; c++) {
                    sum[target[i] * width + c] += src[order[i] * width + c];
                }
            }
            values = Nd4j.create(sum, new long[] {distinct, width}, org.nd4j.linalg.api.buffer.DataType.FLOAT);
        }
        int[] shape = dense.shape().toArray();
        long[] valueShape = new long[shape.length];
        valueShape[0] = distinct;
        for (int a = 1; a < shape.length; a++) {
            valueShape[a] = shape[a];
        }
        return new Rows(out, values.reshape('c', valueShape));
    }

    /** The full gradient {@code [N, R...]}, zero outside the touched rows. */
    public INDArray toDense() {
        Rows r = coalesce();
        int[] shape = dense.shape().toArray();
        long[] full = Arrays.stream(shape).asLongStream().toArray();
        INDArray out = Nd4j.create(r.values().dataType(), full);
        INDArray flatOut = out.reshape('c', full[0], full[0] == 0 ? 0 : out.length() / full[0]);
        INDArray flatVals = r.values().reshape('c', r.ids().length, r.ids().length == 0 ? 0 : r.values().length() / Math.max(1, r.ids().length));
        for (int i = 0; i < r.ids().length; i++) {
            flatOut.getRow(r.ids()[i]).assign(flatVals.getRow(i));
        }
        return out;
    }
}
