package io.ann4j.cli.search;

import io.ann4j.cli.BadInputException;
import io.ann4j.cli.io.Matrix;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The queries, on the heap (they are small next to the database), with the rows that hold NaN or
 * infinities left out under {@code --on-nan skip}.
 *
 * @param data      f32 {@code [kept, dim]}
 * @param rowOf     for each kept query, its row in the file
 * @param total     rows in the file
 * @param normsSq   {@code |q|^2} of each kept query (for l2 distances)
 */
public record Queries(INDArray data, int[] rowOf, int total, double[] normsSq) {

    /** Reads and checks {@code m} (NaN and infinities only). */
    public static Queries load(Matrix m, NanPolicy onNan) {
        return load(m, onNan, false);
    }

    /**
     * Reads and checks {@code m}.
     *
     * @param cosine all-zero queries count as bad rows too (their cosine is undefined)
     */
    public static Queries load(Matrix m, NanPolicy onNan, boolean cosine) {
        if (m.rows() > Integer.MAX_VALUE / Math.max(1, m.cols())) {
            throw new BadInputException(m.file(), m.rows() + " queries of dimension " + m.cols()
                    + " do not fit in memory at once; expected fewer queries (split the file)");
        }
        int rows = (int) m.rows();
        int cols = m.cols();
        float[] all = m.readAll();
        NonFinite bad = new NonFinite(cosine);
        int[] rowOf = new int[rows];
        int kept = 0;
        for (int r = 0; r < rows; r++) {
            if (bad.checkRow(all, r, cols, r)) {
                System.arraycopy(all, r * cols, all, kept * cols, cols);
                rowOf[kept++] = r;
            }
        }
        if (bad.badRows() > 0 && onNan == NanPolicy.ERROR) {
            throw bad.error(m);
        }
        if (kept == 0 && rows > 0) {
            throw new BadInputException(m.file(), "every query holds NaN or infinite values" + (cosine ? " or is all zeros" : "")
                    + "; expected at least one query to search");
        }
        double[] norms = new double[kept];
        for (int q = 0; q < kept; q++) {
            double s = 0;
            for (int c = 0; c < cols; c++) {
                double v = all[q * cols + c];
                s += v * v;
            }
            norms[q] = s;
        }
        float[] data = kept == rows ? all : java.util.Arrays.copyOf(all, kept * cols);
        return new Queries(Nd4j.create(data, new long[] {kept, cols}, 'c'), java.util.Arrays.copyOf(rowOf, kept), rows, norms);
    }

    /** Number of queries searched. */
    public int count() {
        return rowOf.length;
    }
}
