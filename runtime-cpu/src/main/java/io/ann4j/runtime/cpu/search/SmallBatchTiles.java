package io.ann4j.runtime.cpu.search;

import io.ann4j.compiler.spi.NativeViews;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Scores for small batches ({@link #MIN_QUERIES} to {@link #MAX_QUERIES} queries over a large database), with the
 * queries in the vector lanes: the batch is held transposed, {@code Qt[d]} = the d-th element of
 * every query, one query per lane; each database element is broadcast and multiplied into
 * {@code Qt[d]}, so one FMA serves up to 16 queries and a database row's scores against every
 * query of a lane group come out of one accumulator, with no horizontal sums. Eight database
 * rows are in flight at once (eight independent accumulators hide the FMA latency); each row is
 * read from memory once per tile and, for batches of more than one lane group, again from L2.
 *
 * <p>Why: with a small batch, gemm libraries pack the database tile and run far from the FMA
 * peak. At Q=16, N=1,000,000, D=128, oneDNN's sgemm over every core took 74.5 ms and OpenBLAS's
 * 76.4 ms on a Zen 4, where reading the database once takes ~18 ms and the multiply-adds at the
 * product's Q=1024 rate ~18 ms. Scores are summed over {@code d} in order, one FMA at a time:
 * they do not depend on the JIT.
 */
public final class SmallBatchTiles implements TileSource {
    /** The smallest batch this kernel serves: below it, most lanes would idle (see TopKSearch). */
    public static final int MIN_QUERIES = 4;
    /** The largest batch this kernel serves (four lane groups of 16, two at a time). */
    public static final int MAX_QUERIES = 64;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Database rows per register block. */
    private static final int ROWS = 8;

    private final MemorySegment db;
    private final int depth;
    private final int queries;
    /** Per lane group {@code g}: {@code Qt[d * lanes + lane]} = query {@code g * lanes + lane}, element d. */
    private final float[][] transposed;
    /**
     * Queries per lane group: 4 or 8 for a batch that fills a 128- or 256-bit vector
     * ({@link NarrowBatchKernels}), else the preferred species' width.
     */
    private final int lanes;

    /** @param qy dense f32 {@code [Q, D]}; @param db dense f32 {@code [N, D]} */
    public SmallBatchTiles(INDArray qy, INDArray db, int depth) {
        this.db = NativeViews.segment(db);
        this.depth = depth;
        this.queries = (int) qy.size(0);
        MemorySegment q = NativeViews.segment(qy);
        lanes = queries <= 4 && F.length() > 4 ? 4 : queries <= 8 && F.length() > 8 ? 8 : F.length();
        int groups = (queries + lanes - 1) / lanes;
        transposed = new float[groups][depth * lanes];
        for (int i = 0; i < queries; i++) {
            float[] t = transposed[i / lanes];
            for (int d = 0; d < depth; d++) {
                t[d * lanes + i % lanes] = q.getAtIndex(ValueLayout.JAVA_FLOAT, (long) i * depth + d);
            }
        }
    }

    @Override
    public boolean f64() {
        return false;
    }

    private record HeapBuffer(float[] data, MemorySegment segment, float[] lanes, float[] rows) implements Buffer {
        @Override
        public void close() { }
    }

    @Override
    public Buffer newBuffer(int maxRows, int maxCols) {
        float[] data = new float[maxRows * maxCols];
        return new HeapBuffer(data, MemorySegment.ofArray(data), new float[2 * ROWS * F.length()],
                new float[maxCols * depth]);
    }

    @Override
    public MemorySegment tile(Buffer buffer, int r0, int rows, int c0, int cols) {
        HeapBuffer hb = (HeapBuffer) buffer;
        // the tile's database rows, copied once to the heap: array indexing compiles to plain
        // loads, where each segment access kept its own bounds check
        float[] rowsOnHeap = hb.rows();
        MemorySegment.copy(db, ValueLayout.JAVA_FLOAT, (long) c0 * depth * 4, rowsOnHeap, 0, cols * depth);
        // Each shape of the work is its own method: batches of different sizes in one process
        // then compile separately, where one method holding every loop was deoptimised at each
        // new size until the JIT gave up on it (measured: Q=64 took 625 ms after Q=4..32 had run,
        // 117 ms in a fresh JVM).
        if (lanes == 4) {
            narrow128(hb, rowsOnHeap, r0, rows, cols);
            return hb.segment();
        }
        if (lanes < F.length()) {
            narrow256(hb, rowsOnHeap, r0, rows, cols);
            return hb.segment();
        }
        int g = r0 / lanes;
        int g1 = (r0 + rows + lanes - 1) / lanes;
        // two lane groups share each broadcast database element where the batch has them: a
        // broadcast takes a slot of the FP pipes on a Zen 4, so one per FMA halves the FMA rate.
        // (Four groups, 24 accumulators, measured 117 ms at Q=64 alone but 575 ms after a
        // 256-bit batch had run in the process: the JIT then failed to compile their block.)
        for (; g + 2 <= g1; g += 2) {
            twoGroups(hb, rowsOnHeap, g, r0, rows, cols);
        }
        for (; g < g1; g++) {
            oneGroup(hb, rowsOnHeap, g, r0, rows, cols);
        }
        return hb.segment();
    }

    /** One 128-bit lane group (2-4 queries). */
    private void narrow128(HeapBuffer hb, float[] rowsOnHeap, int r0, int rows, int cols) {
        int j = 0;
        for (; j + ROWS <= cols; j += ROWS) {
            NarrowBatchKernels.block128(transposed[0], rowsOnHeap, j * depth, depth, hb.lanes());
            scatter(hb, 0, r0, rows, cols, j, ROWS, 0);
        }
        scalarEdge(hb, transposed[0], rowsOnHeap, r0, rows, j, cols);
    }

    /** One 256-bit lane group (5-8 queries). */
    private void narrow256(HeapBuffer hb, float[] rowsOnHeap, int r0, int rows, int cols) {
        int j = 0;
        for (; j + ROWS <= cols; j += ROWS) {
            NarrowBatchKernels.block256(transposed[0], rowsOnHeap, j * depth, depth, hb.lanes());
            scatter(hb, 0, r0, rows, cols, j, ROWS, 0);
        }
        scalarEdge(hb, transposed[0], rowsOnHeap, r0, rows, j, cols);
    }

    /** Lane groups {@code g, g+1} over the tile's columns. */
    private void twoGroups(HeapBuffer hb, float[] rowsOnHeap, int g, int r0, int rows, int cols) {
        int j = 0;
        for (; j + ROWS <= cols; j += ROWS) {
            block2(transposed[g], transposed[g + 1], rowsOnHeap, j * depth, hb.lanes());
            scatter(hb, g, r0, rows, cols, j, ROWS, 0);
            scatter(hb, g + 1, r0, rows, cols, j, ROWS, ROWS * lanes);
        }
        edge(hb, transposed[g], rowsOnHeap, g, r0, rows, j, cols);
        edge(hb, transposed[g + 1], rowsOnHeap, g + 1, r0, rows, j, cols);
    }

    /** Lane group {@code g} over the tile's columns. */
    private void oneGroup(HeapBuffer hb, float[] rowsOnHeap, int g, int r0, int rows, int cols) {
        int j = 0;
        for (; j + ROWS <= cols; j += ROWS) {
            block(transposed[g], rowsOnHeap, j * depth, hb.lanes());
            scatter(hb, g, r0, rows, cols, j, ROWS, 0);
        }
        edge(hb, transposed[g], rowsOnHeap, g, r0, rows, j, cols);
    }

    /** Scores of the 8 database rows at {@code rows[r..]} against one lane group, into {@code out[row * lanes + lane]}. */
    private void block(float[] qt, float[] rows, int r, float[] out) {
        int lanes = F.length();
        int d1 = depth;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int d = 0; d < depth; d++) {
            FloatVector q = FloatVector.fromArray(F, qt, d * lanes);
            int at = r + d;
            a0 = q.fma(FloatVector.broadcast(F, rows[at]), a0);
            a1 = q.fma(FloatVector.broadcast(F, rows[at + d1]), a1);
            a2 = q.fma(FloatVector.broadcast(F, rows[at + 2 * d1]), a2);
            a3 = q.fma(FloatVector.broadcast(F, rows[at + 3 * d1]), a3);
            a4 = q.fma(FloatVector.broadcast(F, rows[at + 4 * d1]), a4);
            a5 = q.fma(FloatVector.broadcast(F, rows[at + 5 * d1]), a5);
            a6 = q.fma(FloatVector.broadcast(F, rows[at + 6 * d1]), a6);
            a7 = q.fma(FloatVector.broadcast(F, rows[at + 7 * d1]), a7);
        }
        a0.intoArray(out, 0);
        a1.intoArray(out, lanes);
        a2.intoArray(out, 2 * lanes);
        a3.intoArray(out, 3 * lanes);
        a4.intoArray(out, 4 * lanes);
        a5.intoArray(out, 5 * lanes);
        a6.intoArray(out, 6 * lanes);
        a7.intoArray(out, 7 * lanes);
    }

    /**
     * Columns {@code [from, cols)} of the tile for the one narrow lane group, in scalar code: the
     * same FMAs in the same order as the vector lanes, so the same bits.
     */
    private void scalarEdge(HeapBuffer hb, float[] qt, float[] rowsOnHeap, int r0, int rows, int from, int cols) {
        float[] acc = hb.lanes();
        for (int j = from; j < cols; j++) {
            int row = j * depth;
            for (int lane = 0; lane < lanes; lane++) {
                float s = 0f;
                for (int d = 0; d < depth; d++) {
                    s = Math.fma(qt[d * lanes + lane], rowsOnHeap[row + d], s);
                }
                acc[lane] = s;
            }
            scatter(hb, 0, r0, rows, cols, j, 1, 0);
        }
    }

    /** Columns {@code [from, cols)} of the tile for lane group {@code g}, one database row at a time. */
    private void edge(HeapBuffer hb, float[] qt, float[] rowsOnHeap, int g, int r0, int rows, int from, int cols) {
        int lanes = F.length();
        for (int j = from; j < cols; j++) {
            FloatVector acc = FloatVector.zero(F);
            int row = j * depth;
            for (int d = 0; d < depth; d++) {
                acc = FloatVector.fromArray(F, qt, d * lanes).fma(FloatVector.broadcast(F, rowsOnHeap[row + d]), acc);
            }
            acc.intoArray(hb.lanes(), 0);
            scatter(hb, g, r0, rows, cols, j, 1, 0);
        }
    }

    /** {@link #block} for two lane groups: 16 accumulators, each broadcast serving two FMAs. */
    private void block2(float[] qa, float[] qb, float[] rows, int r, float[] out) {
        int lanes = F.length();
        int d1 = depth;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, b4 = a0, b5 = a0, b6 = a0, b7 = a0;
        for (int d = 0; d < depth; d++) {
            FloatVector p = FloatVector.fromArray(F, qa, d * lanes);
            FloatVector q = FloatVector.fromArray(F, qb, d * lanes);
            int at = r + d;
            FloatVector x = FloatVector.broadcast(F, rows[at]);
            a0 = p.fma(x, a0);
            b0 = q.fma(x, b0);
            x = FloatVector.broadcast(F, rows[at + d1]);
            a1 = p.fma(x, a1);
            b1 = q.fma(x, b1);
            x = FloatVector.broadcast(F, rows[at + 2 * d1]);
            a2 = p.fma(x, a2);
            b2 = q.fma(x, b2);
            x = FloatVector.broadcast(F, rows[at + 3 * d1]);
            a3 = p.fma(x, a3);
            b3 = q.fma(x, b3);
            x = FloatVector.broadcast(F, rows[at + 4 * d1]);
            a4 = p.fma(x, a4);
            b4 = q.fma(x, b4);
            x = FloatVector.broadcast(F, rows[at + 5 * d1]);
            a5 = p.fma(x, a5);
            b5 = q.fma(x, b5);
            x = FloatVector.broadcast(F, rows[at + 6 * d1]);
            a6 = p.fma(x, a6);
            b6 = q.fma(x, b6);
            x = FloatVector.broadcast(F, rows[at + 7 * d1]);
            a7 = p.fma(x, a7);
            b7 = q.fma(x, b7);
        }
        int o = ROWS * lanes;
        a0.intoArray(out, 0);
        a1.intoArray(out, lanes);
        a2.intoArray(out, 2 * lanes);
        a3.intoArray(out, 3 * lanes);
        a4.intoArray(out, 4 * lanes);
        a5.intoArray(out, 5 * lanes);
        a6.intoArray(out, 6 * lanes);
        a7.intoArray(out, 7 * lanes);
        b0.intoArray(out, o);
        b1.intoArray(out, o + lanes);
        b2.intoArray(out, o + 2 * lanes);
        b3.intoArray(out, o + 3 * lanes);
        b4.intoArray(out, o + 4 * lanes);
        b5.intoArray(out, o + 5 * lanes);
        b6.intoArray(out, o + 6 * lanes);
        b7.intoArray(out, o + 7 * lanes);
    }

    /**
     * Lanes (queries) of {@code count} database rows' accumulators, read from the block's output
     * at {@code from}, into the tile's [query][column] layout.
     */
    private void scatter(HeapBuffer hb, int g, int r0, int rows, int cols, int j, int count, int from) {
        int first = Math.max(r0, g * lanes);
        int end = Math.min(r0 + rows, (g + 1) * lanes);
        float[] out = hb.data();
        float[] acc = hb.lanes();
        for (int q = first; q < end; q++) {
            int lane = q - g * lanes;
            int base = (q - r0) * cols + j;
            for (int i = 0; i < count; i++) {
                out[base + i] = acc[from + i * lanes + lane];
            }
        }
    }

    @Override
    public long ld(int cols) {
        return cols;
    }

    @Override
    public int blockRows() {
        return MAX_QUERIES;
    }

    /** 512 database rows of D=128 (256 KB) stay in L2 while every lane group reads them. */
    @Override
    public int tileCols() {
        return 512;
    }
}
