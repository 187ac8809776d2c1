package io.ann4j.runtime.cpu.dense;

import io.ann4j.compiler.spi.NativeViews;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code broadcastInDim} on native memory: runs along the last dimension are copied whole when
 * the source has that dimension, filled with one value when it is broadcast. ND4J's broadcast
 * plus copy cost several times more on the {@code [Q, k, D]} arrays of a search's gradient.
 */
final class Broadcasts {
    private Broadcasts() {}

    /**
     * @param src      dense c-order source
     * @param expanded the source's shape with a 1 inserted for each new dimension (same rank as target)
     * @param target   the output shape
     */
    static INDArray expand(INDArray src, long[] expanded, long[] target) {
        DataType t = src.dataType();
        INDArray out = Nd4j.createUninitialized(t, target, 'c');
        if (out.length() == 0) {
            return out;
        }
        int rank = target.length;
        long[] srcStride = new long[rank];
        long s = 1;
        for (int a = rank - 1; a >= 0; a--) {
            srcStride[a] = expanded[a] == 1 && target[a] != 1 ? 0 : s;
            s *= expanded[a];
        }
        MemorySegment from = NativeViews.segment(src);
        MemorySegment to = NativeViews.segment(out);
        long width = t.width();
        long run = target[rank - 1];
        long runs = out.length() / run;
        long[] index = new long[rank - 1];
        long srcBase = 0;
        for (long r = 0; r < runs; r++) {
            long dst = r * run;
            if (srcStride[rank - 1] != 0) {
                MemorySegment.copy(from, srcBase * width, to, dst * width, run * width);
            } else {
                fill(from, srcBase, to, dst, run, t);
            }
            // next run: odometer over the leading dimensions, keeping the source offset in step
            for (int a = rank - 2; a >= 0; a--) {
                index[a]++;
                srcBase += srcStride[a];
                if (index[a] < target[a]) {
                    break;
                }
                srcBase -= srcStride[a] * target[a];
                index[a] = 0;
            }
        }
        return out;
    }

    private static void fill(MemorySegment from, long at, MemorySegment to, long dst, long n, DataType t) {
        switch (t) {
            case FLOAT -> {
                float v = from.getAtIndex(ValueLayout.JAVA_FLOAT, at);
                for (long i = 0; i < n; i++) {
                    to.setAtIndex(ValueLayout.JAVA_FLOAT, dst + i, v);
                }
            }
            case DOUBLE -> {
                double v = from.getAtIndex(ValueLayout.JAVA_DOUBLE, at);
                for (long i = 0; i < n; i++) {
                    to.setAtIndex(ValueLayout.JAVA_DOUBLE, dst + i, v);
                }
            }
            case INT -> {
                int v = from.getAtIndex(ValueLayout.JAVA_INT, at);
                for (long i = 0; i < n; i++) {
                    to.setAtIndex(ValueLayout.JAVA_INT, dst + i, v);
                }
            }
            default -> {
                long w = t.width();
                for (long i = 0; i < n; i++) {
                    MemorySegment.copy(from, at * w, to, (dst + i) * w, w);
                }
            }
        }
    }
}
