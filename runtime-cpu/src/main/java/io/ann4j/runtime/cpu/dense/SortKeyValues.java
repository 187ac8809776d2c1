package io.ann4j.runtime.cpu.dense;

import io.ann4j.compiler.ops.TotalOrder;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code sort_key_val}: a stable ascending sort of keys along a dimension, in the total order
 * -NaN < -inf < ... < -0.0 < +0.0 < ... < +inf < +NaN, values carried along.
 */
public final class SortKeyValues {
    private SortKeyValues() {}

    public static List<INDArray> sort(INDArray keys, INDArray values, int dimension) {
        return io.ann4j.compiler.spi.AlongAxis.apply(List.of(keys, values), dimension, kv -> sortRows(kv.get(0), kv.get(1)));
    }

    /** Each row of {@code [rows, n]} keys sorted, its values carried along. */
    private static List<INDArray> sortRows(INDArray k2, INDArray v2) {
        long rowsCount = k2.size(0);
        long n = k2.size(1);
        INDArray kOut = k2.dup('c');
        INDArray vOut = v2.dup('c');
        Long[] order = new Long[(int) n];
        long[] sortKeys = new long[(int) n];
        for (long r = 0; r < rowsCount; r++) {
            for (int i = 0; i < n; i++) {
                order[i] = (long) i;
                sortKeys[i] = key(k2, r, i);
            }
            // Arrays.sort on objects is stable: equal keys keep their order.
            java.util.Arrays.sort(order, (a, b) -> Long.compare(sortKeys[a.intValue()], sortKeys[b.intValue()]));
            for (int i = 0; i < n; i++) {
                int src = order[i].intValue();
                kOut.putScalar(r, i, k2.getDouble(r, src));
                vOut.putScalar(r, i, v2.getDouble(r, src));
            }
        }
        return List.of(kOut, vOut);
    }

    private static long key(INDArray k, long r, int i) {
        if (k.dataType() == DataType.INT) {
            return k.getInt((int) r, i);
        }
        if (k.dataType() == DataType.DOUBLE) {
            return TotalOrder.doubleKey(k.getDouble(r, i));
        }
        return TotalOrder.floatKey(k.getFloat(r, i));
    }


}
