package io.ann4j.runtime.cpu.dense;

import io.ann4j.compiler.ir.TensorType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@code gatherRows}: copies the rows named by i32 indices, checking every index. */
public final class GatherRowsOp {
    private GatherRowsOp() {}

    public static INDArray gather(INDArray operand, INDArray indices, int batchDims, TensorType outType) {
        long batch = 1;
        for (int a = 0; a < batchDims; a++) {
            batch *= operand.size(a);
        }
        long n = operand.size(batchDims);
        long rowSize = batch * n == 0 ? 0 : operand.length() / (batch * n);
        long perBatch = batch == 0 ? 0 : indices.length() / batch;
        INDArray src = operand.dup('c').reshape('c', batch, n, rowSize);
        int[] idx = indices.dup('c').reshape('c', new long[] {indices.length()}).toIntVector();
        INDArray out = Nd4j.create(operand.dataType(), new long[] {batch, perBatch, rowSize}, 'c');
        for (long b = 0; b < batch; b++) {
            for (long i = 0; i < perBatch; i++) {
                int row = idx[(int) (b * perBatch + i)];
                if (row < 0 || row >= n) {
                    throw new IllegalArgumentException("gatherRows: index " + row + " is out of range [0, " + n
                            + ") for operand of shape " + java.util.Arrays.toString(operand.shape()));
                }
                out.get(org.nd4j.linalg.indexing.NDArrayIndex.point(b), org.nd4j.linalg.indexing.NDArrayIndex.point(i),
                        org.nd4j.linalg.indexing.NDArrayIndex.all())
                        .assign(src.get(org.nd4j.linalg.indexing.NDArrayIndex.point(b),
                                org.nd4j.linalg.indexing.NDArrayIndex.point(row), org.nd4j.linalg.indexing.NDArrayIndex.all()));
            }
        }
        return out.reshape('c', DenseOps.longs(outType.shape()));
    }
}
