package io.ann4j.runtime.cpu.search;

import io.ann4j.compiler.spi.NativeViews;
import java.lang.foreign.MemorySegment;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Tiles that are views of a {@code [rows, cols]} operand already in memory (no copy). */
public final class OperandTiles implements TileSource {
    private static final Buffer NO_BUFFER = () -> { };
    private final MemorySegment data;
    private final int cols;
    private final boolean f64;

    /** @param dense a dense c-order {@code [rows, cols]} f32 or f64 array (see {@link NativeViews#dense}) */
    public OperandTiles(INDArray dense, int cols) {
        this.data = NativeViews.segment(dense);
        this.cols = cols;
        this.f64 = dense.dataType() == DataType.DOUBLE;
    }

    @Override
    public boolean f64() {
        return f64;
    }

    @Override
    public Buffer newBuffer(int maxRows, int maxCols) {
        return NO_BUFFER;
    }

    @Override
    public MemorySegment tile(Buffer buffer, int r0, int rows, int c0, int nc) {
        long es = f64 ? 8 : 4;
        long start = ((long) r0 * cols + c0) * es;
        long length = ((long) (rows - 1) * cols + nc) * es;
        return data.asSlice(start, length);
    }

    @Override
    public long ld(int tileCols) {
        return cols;
    }

    @Override
    public int blockRows() {
        return 64;
    }

    @Override
    public int tileCols() {
        return 8192;
    }
}
