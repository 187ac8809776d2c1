package io.ann4j.runtime.cpu.dense;

import io.ann4j.compiler.spi.NativeViews;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Many small products {@code [B, M, K] x [B, K, N]} (a search's gradient: one per query, over its
 * k selected rows) as loops on native memory, in a fixed order: a gemm call and its views per
 * batch cost far more than the arithmetic.
 */
final class SmallBatchedDot {
    private SmallBatchedDot() {}

    static INDArray multiply(INDArray l3, INDArray r3, long b, long m, long k, long n) {
        DataType t = l3.dataType();
        INDArray out = Nd4j.create(t, new long[] {b, m, n}, 'c'); // zeroed: sums accumulate into it
        if (out.length() == 0 || k == 0) {
            return out;
        }
        MemorySegment l = NativeViews.segment(l3);
        MemorySegment r = NativeViews.segment(r3);
        MemorySegment o = NativeViews.segment(out);
        for (long i = 0; i < b; i++) {
            long lb = i * m * k;
            long rb = i * k * n;
            long ob = i * m * n;
            for (long mi = 0; mi < m; mi++) {
                for (long ki = 0; ki < k; ki++) {
                    long ro = rb + ki * n;
                    long oo = ob + mi * n;
                    if (t == DataType.FLOAT) {
                        float a = l.getAtIndex(ValueLayout.JAVA_FLOAT, lb + mi * k + ki);
                        for (long ni = 0; ni < n; ni++) {
                            o.setAtIndex(ValueLayout.JAVA_FLOAT, oo + ni,
                                    o.getAtIndex(ValueLayout.JAVA_FLOAT, oo + ni) + a * r.getAtIndex(ValueLayout.JAVA_FLOAT, ro + ni));
                        }
                    } else {
                        double a = l.getAtIndex(ValueLayout.JAVA_DOUBLE, lb + mi * k + ki);
                        for (long ni = 0; ni < n; ni++) {
                            o.setAtIndex(ValueLayout.JAVA_DOUBLE, oo + ni,
                                    o.getAtIndex(ValueLayout.JAVA_DOUBLE, oo + ni) + a * r.getAtIndex(ValueLayout.JAVA_DOUBLE, ro + ni));
                        }
                    }
                }
            }
        }
        return out;
    }
}
