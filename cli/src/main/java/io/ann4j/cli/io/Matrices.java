package io.ann4j.cli.io;

import io.ann4j.cli.BadInputException;
import java.nio.file.Path;

/** Opens a matrix in any supported format. */
public final class Matrices {
    private Matrices() {}

    /**
     * Opens {@code file} as a matrix.
     *
     * @param format        from {@link Format#of}
     * @param hdf5Dataset   for HDF5 files, the dataset to read ({@code train} for databases,
     *                      {@code test} for queries, {@code neighbors} for ground truths)
     */
    public static Matrix open(Path file, Format format, String hdf5Dataset) {
        return switch (format) {
            case NPY -> new NpyMatrix(file);
            case FVECS, IVECS, BVECS -> new VecsMatrix(file, format);
            case FBIN, IBIN, U8BIN, I8BIN -> new BinMatrix(file, format);
            case CSV -> new CsvMatrix(file);
            case HDF5 -> {
                Hdf5File h = new Hdf5File(file);
                try {
                    Matrix m = h.dataset(hdf5Dataset);
                    yield new Owning(m, h);
                } catch (RuntimeException e) {
                    h.close();
                    throw e;
                }
            }
        };
    }

    /** {@link #open(Path, Format, String)} with the format from the extension or an override. */
    public static Matrix open(Path file, String formatOverride, String hdf5Dataset) {
        if (file == null) {
            throw new BadInputException("a file argument is missing");
        }
        return open(file, Format.of(file, formatOverride), hdf5Dataset);
    }

    /** A dataset that closes its HDF5 file with it. */
    private record Owning(Matrix m, Hdf5File owner) implements Matrix {
        @Override
        public Path file() {
            return m.file();
        }

        @Override
        public long rows() {
            return m.rows();
        }

        @Override
        public int cols() {
            return m.cols();
        }

        @Override
        public String dtype() {
            return m.dtype();
        }

        @Override
        public void readRows(long start, int count, float[] dst) {
            m.readRows(start, count, dst);
        }

        @Override
        public void readIntRows(long start, int count, int[] dst) {
            m.readIntRows(start, count, dst);
        }

        @Override
        public void close() {
            m.close();
            owner.close();
        }
    }
}
