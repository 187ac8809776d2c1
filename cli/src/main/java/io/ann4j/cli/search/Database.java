package io.ann4j.cli.search;

import io.ann4j.cli.io.Matrix;
import io.ann4j.dsl.Ann;
import io.ann4j.dsl.Prepared;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A database read in blocks of rows, so that a file larger than the heap streams through the
 * search: each block is read (memory-mapped or sliced), checked for NaN and infinities, converted
 * once to the search dtype and handed on. {@link #cache()} keeps the blocks for repeated searches
 * (the bench) when they fit.
 */
public final class Database {
    /**
     * Rows {@code [offset, offset + data.rows)}, or, after skipping bad rows, the rows {@code ids};
     * a cached block also carries its {@link Prepared} snapshot (else null), which searches take so
     * that what the backend derives from it (the int8 copy, the norms) is kept across passes.
     */
    public record Block(INDArray data, long offset, int[] ids, Prepared prepared) {
        Block(INDArray data, long offset, int[] ids) {
            this(data, offset, ids, null);
        }

        /** The global row id of block row {@code r}. */
        public int id(int r) {
            return ids == null ? Math.toIntExact(offset + r) : ids[r];
        }
    }

    private final Matrix matrix;
    private final int blockRows;
    private final NanPolicy onNan;
    private final DataType dtype;
    private final boolean cosine;
    private List<Block> cached;
    private long usable = -1;

    /**
     * @param blockRows rows per block (the last block takes the remainder)
     * @param dtype     FLOAT, BFLOAT16 or HALF: what the search computes on
     */
    public Database(Matrix matrix, int blockRows, NanPolicy onNan, DataType dtype) {
        this(matrix, blockRows, onNan, dtype, false);
    }

    /** @param cosine all-zero rows count as bad rows too (their cosine is undefined) */
    public Database(Matrix matrix, int blockRows, NanPolicy onNan, DataType dtype, boolean cosine) {
        this.cosine = cosine;
        this.matrix = matrix;
        this.blockRows = (int) Math.max(1, Math.min(blockRows, Math.max(1, matrix.rows())));
        this.onNan = onNan;
        this.dtype = dtype;
    }

    /** A block size of about {@code bytes} of float32 rows. */
    public static int rowsFor(long bytes, int cols) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, bytes / (4L * Math.max(1, cols))));
    }

    public Matrix matrix() {
        return matrix;
    }

    public long rows() {
        return matrix.rows();
    }

    public int cols() {
        return matrix.cols();
    }

    /** Rows left out under {@code --on-nan skip} (known after one pass; 0 before). */
    public long skippedRows() {
        return matrix.rows() - usableRows();
    }

    /** Rows left after skipping non-finite ones (known after one pass; the row count before). */
    public long usableRows() {
        return usable < 0 ? matrix.rows() : usable;
    }

    /**
     * Reads every block now and keeps them, each with a prepared snapshot, so that later passes
     * neither read the file nor repeat what the backend derives from a block (the int8 copy, a
     * cosine search's normalised rows). The snapshot is a copy: a cached block takes twice its
     * bytes, plus the int8 copy (a quarter of f32) once searched approximately.
     */
    public Database cache() {
        if (cached == null) {
            List<Block> all = new ArrayList<>();
            stream(b -> all.add(new Block(b.data(), b.offset(), b.ids(), Ann.prepare(b.data()))), null, false);
            cached = all;
        }
        return this;
    }

    /**
     * Hands every block, in order, to {@code consumer}; {@code progress} (may be null) gets the
     * number of file rows done after each block. A block that is not cached is freed when the
     * consumer returns: the consumer must not keep its data.
     */
    public void forEach(Consumer<Block> consumer, java.util.function.LongConsumer progress) {
        if (cached != null) {
            for (Block b : cached) {
                consumer.accept(b);
                if (progress != null) {
                    progress.accept(b.data().rows());
                }
            }
            return;
        }
        stream(consumer, progress, true);
    }

    /**
     * @param release free each block's off-heap data as soon as {@code consumer} returns: ND4J's
     *                buffers live outside the Java heap, so {@code -Xmx} does not bound them and a
     *                small heap never collects them (measured: -Xmx256m over a 1 GB .fbin peaked at
     *                1,046 MB of anonymous memory before this); the consumer must not keep them
     */
    /**
     * Bytes of blocks searched since the last collection, counted twice: a block's search leaves
     * about its own size in off-heap temporaries (its norms' squares, casts), which ND4J frees only
     * when the Java objects that hold them are collected.
     */
    private long garbageSinceGc;

    /**
     * Bounds the off-heap memory a pass leaves behind by the limit that applies to the JVM
     * ({@code -Xmx}): once half of it has been produced in off-heap garbage, a collection frees
     * it. Measured with -Xmx256m over a 1 GB .fbin (2,000,000 x 128, l2): the peak anonymous
     * memory fell from 1,046 MB to 366 MB (-Xmx512m: 618 MB; a collection after every block: 339).
     */
    private void collectOffHeapGarbage(long bytes) {
        garbageSinceGc += bytes;
        if (garbageSinceGc > Runtime.getRuntime().maxMemory() / 2) {
            garbageSinceGc = 0;
            System.gc();
        }
    }

    private void stream(Consumer<Block> consumer, java.util.function.LongConsumer progress, boolean release) {
        int cols = matrix.cols();
        float[] buf = new float[Math.multiplyExact(blockRows, cols)];
        NonFinite bad = new NonFinite(cosine);
        long kept = 0;
        for (long start = 0; start < matrix.rows(); start += blockRows) {
            if (Thread.currentThread().isInterrupted()) {
                throw new IllegalStateException("interrupted");
            }
            int n = (int) Math.min(blockRows, matrix.rows() - start);
            matrix.readRows(start, n, buf);
            int[] ids = null;
            int good = 0;
            for (int r = 0; r < n; r++) {
                if (bad.checkRow(buf, r, cols, start + r)) {
                    if (ids != null) {
                        ids[good] = Math.toIntExact(start + r);
                        System.arraycopy(buf, r * cols, buf, good * cols, cols);
                    }
                    good++;
                } else if (onNan == NanPolicy.ERROR) {
                    bad.scanRest(matrix, start + r + 1);
                    throw bad.error(matrix);
                } else if (ids == null) {
                    ids = new int[n];
                    for (int i = 0; i < good; i++) {
                        ids[i] = Math.toIntExact(start + i);
                    }
                }
            }
            kept += good;
            if (good > 0) {
                // Nd4j copies the data off the heap; the heap buffer is reused for the next block.
                float[] rows = good * cols == buf.length ? buf : java.util.Arrays.copyOf(buf, good * cols);
                INDArray f32 = Nd4j.create(rows, new long[] {good, cols}, 'c');
                INDArray data = dtype != DataType.FLOAT ? f32.castTo(dtype) : f32;
                if (data != f32) {
                    f32.close(); // the cast is a copy
                }
                consumer.accept(new Block(data, start, ids == null ? null : java.util.Arrays.copyOf(ids, good)));
                if (release) {
                    data.close();
                    collectOffHeapGarbage(2L * good * cols * 4);
                }
            }
            if (progress != null) {
                progress.accept(n);
            }
        }
        usable = kept;
    }
}
