package io.ann4j.langchain4j;

import io.ann4j.compiler.ir.Bf16;
import io.ann4j.compiler.spi.NativeViews;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The embeddings, off the Java heap, in chunks of at most {@link #chunkRows} rows: each chunk a
 * {@code [capacity, dim]} f32 (or bf16) matrix and the inverse norms of its rows (taken from the
 * embeddings as added). A store's memory is then
 * its embeddings' bytes plus one float per row and one partly filled chunk, never a doubled
 * buffer; appending one row at a time copies nothing once the first chunk has reached full size
 * (it doubles on its way there, so a million single appends copy at most {@link #chunkRows} rows
 * in all); and every full chunk has the same shape, so its search program is compiled once.
 * Rows below a snapshot's count never change: the writer appends beyond them, or into a copy.
 * One writer at a time (the store's lock).
 */
final class Chunks {
    /** One chunk: rows {@code [first, first + capacity)} of the store. */
    record Chunk(INDArray rows, MemorySegment rowBytes, INDArray inverseNorms, MemorySegment normBytes, int capacity) {
        static Chunk allocate(int capacity, int dim, boolean bf16) {
            INDArray rows = Nd4j.create(bf16 ? DataType.BFLOAT16 : DataType.FLOAT, capacity, dim);
            INDArray norms = Nd4j.create(DataType.FLOAT, capacity);
            return new Chunk(rows, NativeViews.segment(rows), norms, NativeViews.segment(norms), capacity);
        }
    }

    /** What a snapshot keeps: the chunks and the row count, fixed. */
    record View(Chunk[] chunks, int rows, int dim, int chunkRows, boolean bf16) {
        /** Row {@code i} as stored: as added, or rounded to bf16 in a bf16 store. */
        float[] row(int i) {
            Chunk c = chunks[i / chunkRows];
            float[] out = new float[dim];
            long at = (long) (i % chunkRows) * dim;
            if (bf16) {
                for (int d = 0; d < dim; d++) {
                    out[d] = Bf16.toFloat(c.rowBytes().getAtIndex(ValueLayout.JAVA_SHORT, at + d));
                }
            } else {
                MemorySegment.copy(c.rowBytes(), ValueLayout.JAVA_FLOAT, at * Float.BYTES, out, 0, dim);
            }
            return out;
        }

        /** Rows of chunk {@code j} that hold embeddings in this view. */
        int rowsIn(int j) {
            return Math.min(chunkRows, rows - j * chunkRows);
        }

        int chunkCount() {
            return rows == 0 ? 0 : (rows - 1) / chunkRows + 1;
        }
    }

    private final int dim;
    private final int chunkRows;
    private final boolean bf16;
    private Chunk[] chunks = new Chunk[0];
    private int rows;
    private long rowsCopied;

    /** @param bf16 rows stored as bf16 (half the bytes; rounded to nearest even), else f32 */
    Chunks(int dim, int chunkRows, boolean bf16) {
        if (Integer.bitCount(chunkRows) != 1) {
            throw new IllegalArgumentException("chunk rows must be a power of two, got " + chunkRows);
        }
        this.dim = dim;
        this.chunkRows = chunkRows;
        this.bf16 = bf16;
    }

    private int elementBytes() {
        return bf16 ? 2 : Float.BYTES;
    }

    /** Appends a row and its inverse norm (0 for a zero row). */
    void append(float[] row, float inverseNorm) {
        int j = rows / chunkRows;
        int at = rows % chunkRows;
        if (j == chunks.length) {
            chunks = Arrays.copyOf(chunks, j + 1);
            chunks[j] = Chunk.allocate(j == 0 ? Math.min(chunkRows, 16) : chunkRows, dim, bf16);
        } else if (at == chunks[j].capacity()) {
            // only the first chunk grows, doubling up to the full size
            Chunk old = chunks[j];
            Chunk grown = Chunk.allocate(Math.min(chunkRows, old.capacity() * 2), dim, bf16);
            MemorySegment.copy(old.rowBytes(), 0, grown.rowBytes(), 0, (long) at * dim * elementBytes());
            MemorySegment.copy(old.normBytes(), 0, grown.normBytes(), 0, (long) at * Float.BYTES);
            rowsCopied += at;
            chunks = chunks.clone();
            chunks[j] = grown;
        }
        Chunk c = chunks[j];
        if (bf16) {
            long base = (long) at * dim;
            for (int d = 0; d < dim; d++) {
                c.rowBytes().setAtIndex(ValueLayout.JAVA_SHORT, base + d, Bf16.fromFloat(row[d]));
            }
        } else {
            MemorySegment.copy(row, 0, c.rowBytes(), ValueLayout.JAVA_FLOAT, (long) at * dim * Float.BYTES, dim);
        }
        c.normBytes().setAtIndex(ValueLayout.JAVA_FLOAT, at, inverseNorm);
        rows++;
    }

    int rows() {
        return rows;
    }

    int dim() {
        return dim;
    }

    long rowsCopied() {
        return rowsCopied;
    }

    /** Bytes held off the heap: every chunk's rows and norms at capacity. */
    long bytes() {
        long b = 0;
        for (Chunk c : chunks) {
            b += (long) c.capacity() * ((long) dim * elementBytes() + Float.BYTES);
        }
        return b;
    }

    View view() {
        return new View(chunks, rows, dim, chunkRows, bf16);
    }
}
