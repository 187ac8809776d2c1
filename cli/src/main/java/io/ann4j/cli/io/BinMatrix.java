package io.ann4j.cli.io;

import io.ann4j.cli.BadInputException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * A big-ann-benchmarks file ({@code .fbin}, {@code .ibin}, {@code .u8bin}, {@code .i8bin}),
 * memory-mapped: uint32 count, uint32 dimension (little-endian), then the rows.
 */
final class BinMatrix implements Matrix {
    private final MappedFile mapped;
    private final ElementType type;
    private final long rows;
    private final int dim;

    BinMatrix(Path file, Format format) {
        mapped = new MappedFile(file);
        try {
            type = typeOf(format);
            long size = mapped.size();
            if (size < 8) {
                throw new BadInputException(file, "has " + size + " bytes; expected an 8-byte header (uint32 count, uint32 dimension)");
            }
            ValueLayout.OfInt u32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
            rows = Integer.toUnsignedLong(mapped.segment.get(u32, 0));
            long d = Integer.toUnsignedLong(mapped.segment.get(u32, 4));
            if (d == 0 || d > Integer.MAX_VALUE) {
                throw new BadInputException(file, "header says dimension " + d + "; expected a positive dimension");
            }
            dim = (int) d;
            long need = 8 + rows * dim * type.bytes();
            if (size != need) {
                throw new BadInputException(file, "header says " + rows + " x " + dim + " " + type.numpyName() + " (" + need
                        + " bytes) but the file has " + size + "; expected a complete file (truncated?)");
            }
        } catch (RuntimeException e) {
            mapped.close();
            throw e;
        }
    }

    static ElementType typeOf(Format format) {
        return switch (format) {
            case FBIN -> ElementType.FLOAT32;
            case IBIN -> ElementType.INT32;
            case U8BIN -> ElementType.UINT8;
            case I8BIN -> ElementType.INT8;
            default -> throw new IllegalArgumentException(format + " is not a big-ann-benchmarks format");
        };
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
        type.toFloats(mapped.segment, 8 + start * dim * type.bytes(), ByteOrder.LITTLE_ENDIAN, dst, 0, count * dim);
    }

    @Override
    public void readIntRows(long start, int count, int[] dst) {
        if (!type.toInts(mapped.segment, 8 + start * dim * type.bytes(), ByteOrder.LITTLE_ENDIAN, dst, 0, count * dim)) {
            throw new BadInputException(file(), "holds " + dtype() + "; expected integer ids (.ibin)");
        }
    }

    @Override
    public void close() {
        mapped.close();
    }
}
