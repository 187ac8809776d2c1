package io.ann4j.cli.io;

import io.ann4j.cli.BadInputException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * A TEXMEX file ({@code .fvecs}, {@code .ivecs}, {@code .bvecs}), memory-mapped: one record per
 * vector, an int32 dimension then the components, no header. The record count is the file size
 * over the record size; a size that is not a whole number of records, or a record whose prefix
 * disagrees with the first, is reported as a truncated or corrupt file.
 */
final class VecsMatrix implements Matrix {
    private static final ValueLayout.OfInt PREFIX = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private final MappedFile mapped;
    private final ElementType type;
    private final int dim;
    private final long recordBytes;
    private final long rows;

    VecsMatrix(Path file, Format format) {
        mapped = new MappedFile(file);
        try {
            type = switch (format) {
                case FVECS -> ElementType.FLOAT32;
                case IVECS -> ElementType.INT32;
                case BVECS -> ElementType.UINT8;
                default -> throw new IllegalArgumentException(format + " is not a TEXMEX format");
            };
            long size = mapped.size();
            if (size < 4) {
                throw new BadInputException(file, "has " + size + " bytes; expected ." + format.extension()
                        + " records (an int32 dimension, then the components)");
            }
            dim = mapped.segment.get(PREFIX, 0);
            if (dim <= 0) {
                throw new BadInputException(file, "first record has dimension " + dim + "; expected a positive int32 length prefix");
            }
            recordBytes = 4 + (long) dim * type.bytes();
            if (size % recordBytes != 0) {
                throw new BadInputException(file, "size " + size + " is not a whole number of records of " + recordBytes
                        + " bytes (dimension " + dim + "); expected a complete file (truncated?)");
            }
            rows = size / recordBytes;
            checkPrefix(rows - 1);
        } catch (RuntimeException e) {
            mapped.close();
            throw e;
        }
    }

    private void checkPrefix(long row) {
        int d = mapped.segment.get(PREFIX, row * recordBytes);
        if (d != dim) {
            throw new BadInputException(mapped.file, "record " + row + " has length prefix " + d + " but the first has " + dim
                    + "; expected every record to have dimension " + dim + " (corrupt or truncated file)");
        }
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
        return dim;
    }

    @Override
    public String dtype() {
        return type.numpyName();
    }

    @Override
    public void readRows(long start, int count, float[] dst) {
        for (int r = 0; r < count; r++) {
            checkPrefix(start + r);
            type.toFloats(mapped.segment, (start + r) * recordBytes + 4, ByteOrder.LITTLE_ENDIAN, dst, r * dim, dim);
        }
    }

    @Override
    public void readIntRows(long start, int count, int[] dst) {
        for (int r = 0; r < count; r++) {
            checkPrefix(start + r);
            if (!type.toInts(mapped.segment, (start + r) * recordBytes + 4, ByteOrder.LITTLE_ENDIAN, dst, r * dim, dim)) {
                throw new BadInputException(file(), "holds " + dtype() + "; expected integer ids (.ivecs)");
            }
        }
    }

    @Override
    public void close() {
        mapped.close();
    }
}
