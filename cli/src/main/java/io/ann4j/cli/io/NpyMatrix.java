package io.ann4j.cli.io;

import io.ann4j.cli.BadInputException;
import java.nio.file.Path;

/**
 * A NumPy {@code .npy} file as a matrix, memory-mapped at its data offset: float32, float16,
 * float64 (and integer ids), C or Fortran order, either byte order. A 1-D array reads as one
 * column.
 */
final class NpyMatrix implements Matrix {
    private final MappedFile mapped;
    private final NpyHeader header;
    private final long rows;
    private final int cols;

    NpyMatrix(Path file) {
        mapped = new MappedFile(file);
        try {
            header = NpyHeader.parse(file, mapped.segment);
            long[] s = header.shape();
            if (s.length == 0 || s.length > 2) {
                throw new BadInputException(file, "has shape " + NpyHeader.shapeString(s) + "; expected a matrix [rows, dim]");
            }
            rows = s[0];
            if (s.length == 2 && s[1] > Integer.MAX_VALUE) {
                throw new BadInputException(file, "dimension " + s[1] + " is too large; expected at most " + Integer.MAX_VALUE);
            }
            cols = s.length == 1 ? 1 : (int) s[1];
        } catch (RuntimeException e) {
            mapped.close();
            throw e;
        }
    }

    @Override
    public int declaredRank() {
        return header.shape().length;
    }

    @Override
    public Path file() {
        return mapped.file;
    }

    @Override
    public long rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public String dtype() {
        return header.type().numpyName();
    }

    /** Whether the data is column-major. */
    boolean fortranOrder() {
        return header.fortranOrder();
    }

    @Override
    public void readRows(long start, int count, float[] dst) {
        ElementType t = header.type();
        if (!header.fortranOrder() || cols == 1) {
            t.toFloats(mapped.segment, header.dataOffset() + start * cols * t.bytes(), header.order(), dst, 0, count * cols);
            return;
        }
        // Column-major: each column's slice of these rows is contiguous; copy it, then scatter.
        float[] column = new float[count];
        for (int c = 0; c < cols; c++) {
            t.toFloats(mapped.segment, header.dataOffset() + (c * rows + start) * t.bytes(), header.order(), column, 0, count);
            for (int r = 0; r < count; r++) {
                dst[r * cols + c] = column[r];
            }
        }
    }

    @Override
    public void readIntRows(long start, int count, int[] dst) {
        ElementType t = header.type();
        boolean ok;
        if (!header.fortranOrder() || cols == 1) {
            ok = t.toInts(mapped.segment, header.dataOffset() + start * cols * t.bytes(), header.order(), dst, 0, count * cols);
        } else {
            int[] column = new int[count];
            ok = true;
            for (int c = 0; c < cols && ok; c++) {
                ok = t.toInts(mapped.segment, header.dataOffset() + (c * rows + start) * t.bytes(), header.order(), column, 0, count);
                for (int r = 0; r < count; r++) {
                    dst[r * cols + c] = column[r];
                }
            }
        }
        if (!ok) {
            throw new BadInputException(file(), "holds " + dtype() + "; expected integer ids (int32, or int64 below 2^31)");
        }
    }

    @Override
    public void close() {
        mapped.close();
    }
}
