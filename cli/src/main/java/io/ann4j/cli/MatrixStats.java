package io.ann4j.cli;

import io.ann4j.cli.io.Matrix;
import java.util.Arrays;
import java.util.function.LongConsumer;

/**
 * Row norms (min, median, max) and NaN / infinity counts of a matrix, in one streamed pass. The
 * median is exact up to {@link #MAX_EXACT} rows, else that of an evenly spaced sample.
 */
record MatrixStats(long rows, int cols, double minNorm, double medianNorm, double maxNorm, boolean sampledMedian,
        long nan, long inf, long badRows) {
    static final int MAX_EXACT = 1 << 24;

    static MatrixStats of(Matrix m, LongConsumer progress) {
        long rows = m.rows();
        int cols = m.cols();
        int stride = (int) Math.max(1, (rows + MAX_EXACT - 1) / MAX_EXACT);
        float[] norms = new float[(int) Math.min(rows, (rows + stride - 1) / stride)];
        int block = (int) Math.max(1, Math.min(Math.max(rows, 1), (16L << 20) / Math.max(1, cols)));
        float[] buf = new float[block * cols];
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        long nan = 0;
        long inf = 0;
        long bad = 0;
        int kept = 0;
        for (long start = 0; start < rows; start += block) {
            int n = (int) Math.min(block, rows - start);
            m.readRows(start, n, buf);
            for (int r = 0; r < n; r++) {
                double s = 0;
                int rowBad = 0;
                for (int c = r * cols, end = c + cols; c < end; c++) {
                    float v = buf[c];
                    if (Float.isNaN(v)) {
                        nan++;
                        rowBad++;
                    } else if (Float.isInfinite(v)) {
                        inf++;
                        rowBad++;
                    } else {
                        s += (double) v * v;
                    }
                }
                if (rowBad > 0) {
                    bad++;
                    continue; // norms describe the finite rows
                }
                double norm = Math.sqrt(s);
                min = Math.min(min, norm);
                max = Math.max(max, norm);
                if ((start + r) % stride == 0 && kept < norms.length) {
                    norms[kept++] = (float) norm;
                }
            }
            if (progress != null) {
                progress.accept(n);
            }
        }
        float[] sorted = Arrays.copyOf(norms, kept);
        Arrays.sort(sorted);
        double median = kept == 0 ? Double.NaN
                : kept % 2 == 1 ? sorted[kept / 2] : (sorted[kept / 2 - 1] + (double) sorted[kept / 2]) / 2;
        return new MatrixStats(rows, cols, kept == 0 ? Double.NaN : min, median, kept == 0 ? Double.NaN : max, stride > 1,
                nan, inf, bad);
    }
}
