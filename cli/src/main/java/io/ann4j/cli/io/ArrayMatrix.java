package io.ann4j.cli.io;

import java.nio.file.Path;

/** A float32 matrix already on the heap (generated data), seen through the {@link Matrix} interface. */
public final class ArrayMatrix implements Matrix {
    private final Path name;
    private final int rows;
    private final int cols;
    private final float[] values;

    /** {@code values} is row-major {@code [rows, cols]}; {@code name} names it in messages. */
    public ArrayMatrix(Path name, int rows, int cols, float[] values) {
        if (values.length != rows * cols) {
            throw new IllegalArgumentException(rows + " x " + cols + " needs " + rows * cols + " values, got " + values.length);
        }
        this.name = name;
        this.rows = rows;
        this.cols = cols;
        this.values = values;
    }

    @Override
    public Path file() {
        return name;
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
        return "float32";
    }

    @Override
    public void readRows(long start, int count, float[] dst) {
        System.arraycopy(values, Math.toIntExact(start * cols), dst, 0, count * cols);
    }

    @Override
    public void readIntRows(long start, int count, int[] dst) {
        throw new io.ann4j.cli.BadInputException(name, "holds float32; expected integer ids");
    }

    @Override
    public void close() {
        // Nothing to release.
    }
}
