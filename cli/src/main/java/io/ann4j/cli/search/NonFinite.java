package io.ann4j.cli.search;

import io.ann4j.cli.BadInputException;
import io.ann4j.cli.io.Matrix;

/**
 * Counts of NaN and infinite values, and the rows that hold them; for a cosine search also the
 * rows that are all zeros (their cosine is 0 / 0: NaN distances, ids in file order), which are
 * treated the same way under {@code --on-nan}.
 */
public final class NonFinite {
    long nan;
    long inf;
    long rows;
    long firstRow = -1;
    long zero;
    long firstZero = -1;
    private final boolean zeroNormIsBad;

    /** NaN and infinities only. */
    NonFinite() {
        this(false);
    }

    /** @param zeroNormIsBad count all-zero rows as bad too (cosine) */
    NonFinite(boolean zeroNormIsBad) {
        this.zeroNormIsBad = zeroNormIsBad;
    }

    /** Whether row {@code r} of {@code data} ({@code cols} wide) is all finite; counts what it is not. */
    boolean checkRow(float[] data, int r, int cols, long globalRow) {
        int bad = 0;
        for (int c = r * cols, end = c + cols; c < end; c++) {
            float v = data[c];
            if (Float.isNaN(v)) {
                nan++;
                bad++;
            } else if (Float.isInfinite(v)) {
                inf++;
                bad++;
            }
        }
        if (bad > 0) {
            rows++;
            if (firstRow < 0) {
                firstRow = globalRow;
            }
            return false;
        }
        if (zeroNormIsBad && allZero(data, r * cols, cols)) {
            zero++;
            if (firstZero < 0) {
                firstZero = globalRow;
            }
            return false;
        }
        return true;
    }

    private static boolean allZero(float[] data, int from, int cols) {
        for (int c = from, end = from + cols; c < end; c++) {
            if (data[c] != 0f) {
                return false;
            }
        }
        return true;
    }

    /** Rows left out or refused: non-finite ones, and (cosine) all-zero ones. */
    public long badRows() {
        return rows + zero;
    }

    /** All-zero rows seen (counted only for cosine). */
    public long zeroRows() {
        return zero;
    }

    /** Number of NaN values seen. */
    public long nan() {
        return nan;
    }

    /** Number of infinite values seen. */
    public long inf() {
        return inf;
    }

    /** Rows holding either. */
    public long rows() {
        return rows;
    }

    /** Scans the rest of {@code m} from {@code from} (to report the whole file's counts). */
    void scanRest(Matrix m, long from) {
        int block = (int) Math.max(1, Math.min(m.rows(), (16L << 20) / Math.max(1, m.cols())));
        float[] buf = new float[block * m.cols()];
        for (long start = from; start < m.rows(); start += block) {
            int n = (int) Math.min(block, m.rows() - start);
            m.readRows(start, n, buf);
            for (int r = 0; r < n; r++) {
                checkRow(buf, r, m.cols(), start + r);
            }
        }
    }

    /** The one-line error for {@code --on-nan error}. */
    BadInputException error(Matrix m) {
        String zeros = zero + " of " + m.rows() + " rows are all zeros (the first at row " + firstZero
                + "), and cosine is undefined for them";
        if (rows == 0) {
            return new BadInputException(m.file(), zeros + "; expected rows with a nonzero norm (or pass --on-nan skip to"
                    + " leave those rows out)");
        }
        return new BadInputException(m.file(), nan + " NaN and " + inf + " infinite values in " + rows + " of " + m.rows()
                + " rows (the first at row " + firstRow + ")" + (zero > 0 ? "; " + zeros : "")
                + "; expected finite numbers (or pass --on-nan skip to leave those rows out)");
    }
}
