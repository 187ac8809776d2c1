package io.ann4j.runtime.cpu.search;

import java.lang.foreign.MemorySegment;

/**
 * Where the scores of a search come from, one tile at a time: a matrix product computed tile by
 * tile into a worker's buffer (fused search) or a view of an operand already in memory.
 */
public interface TileSource {
    /** Whether tiles are f64 (else f32). */
    boolean f64();

    /** A worker's tile buffer; created once per worker and task, reused for its tiles. */
    interface Buffer extends AutoCloseable {
        @Override
        void close();
    }

    Buffer newBuffer(int maxRows, int maxCols);

    /**
     * The scores of rows {@code [r0, r0 + rows)} and columns {@code [c0, c0 + cols)}; element
     * (r, c) at index {@code r * ld(cols) + c} of the returned segment.
     */
    MemorySegment tile(Buffer buffer, int r0, int rows, int c0, int cols);

    /** The leading dimension of the tiles {@link #tile} returns for a tile {@code cols} wide. */
    long ld(int cols);

    /**
     * Whether {@link #tile} calls OpenBLAS. Its own threads must then be held at one while our
     * workers call it ({@link BlasThreads}), a switch that costs 0.5-1.4 ms per search (measured on
     * a Zen 4), so only the sources that call it say so (the gemm tiles, f32 and half).
     */
    default boolean usesOpenBlas() {
        return false;
    }

    /**
     * Whether each {@link #tile} call runs on every core by itself (a library's own threads):
     * the search then runs one task, which scans the tiles as they come, instead of one per core.
     */
    default boolean parallelInside() {
        return false;
    }

    /** Preferred tile sizes: rows per block, columns per tile. */
    int blockRows();

    int tileCols();
}
