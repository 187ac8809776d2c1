package io.ann4j.langchain4j;

import io.ann4j.compiler.spi.NativeViews;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A growable {@code [capacity, dim]} f32 matrix off the Java heap, appended to one row at a time in
 * amortised O(1): a full buffer is copied once into one of twice the capacity, so a million
 * single appends copy each row about twice in all, never N^2. Rows below {@link #rows()} never
 * change, so a reader that took {@link #view(int)} of n rows keeps seeing those n rows while a
 * writer appends (the writer only writes at or beyond n, or into a new buffer). One writer at a
 * time (the store holds its lock).
 */
final class RowBuffer {
    private final int dim;
    private INDArray buffer;
    private MemorySegment segment;
    private int rows;
    /** Rows copied by growth so far (the amortised-O(1) claim, checked by the tests). */
    private long rowsCopied;

    RowBuffer(int dim, int capacity) {
        this.dim = dim;
        allocate(Math.max(16, capacity));
    }

    private void allocate(int capacity) {
        INDArray next = Nd4j.create(DataType.FLOAT, capacity, dim);
        MemorySegment nextSegment = NativeViews.segment(next);
        if (buffer != null && rows > 0) {
            MemorySegment.copy(segment, 0, nextSegment, 0, (long) rows * dim * Float.BYTES);
            rowsCopied += rows;
        }
        buffer = next;
        segment = nextSegment;
    }

    int dim() {
        return dim;
    }

    int rows() {
        return rows;
    }

    /** Rows copied into larger buffers so far. */
    long rowsCopied() {
        return rowsCopied;
    }

    /** Rows the buffer holds before it grows; rows at or beyond {@link #rows()} are zeros or later appends. */
    int capacity() {
        return (int) buffer.size(0);
    }

    /** Appends one row, growing the buffer (doubling) when it is full. */
    void append(float[] row) {
        if (rows == buffer.size(0)) {
            allocate(Math.multiplyExact(rows, 2));
        }
        MemorySegment.copy(row, 0, segment, ValueLayout.JAVA_FLOAT, (long) rows * dim * Float.BYTES, dim);
        rows++;
    }

    /** Row {@code i}, copied out. */
    float[] row(int i) {
        float[] out = new float[dim];
        MemorySegment.copy(segment, ValueLayout.JAVA_FLOAT, (long) i * dim * Float.BYTES, out, 0, dim);
        return out;
    }

    /** The first {@code n} rows as a {@code [n, dim]} c-order view (no copy), stable while the writer appends. */
    INDArray view(int n) {
        return buffer.get(NDArrayIndex.interval(0, n), NDArrayIndex.all());
    }
}
