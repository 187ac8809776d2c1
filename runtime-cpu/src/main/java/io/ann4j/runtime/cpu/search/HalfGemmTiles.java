package io.ann4j.runtime.cpu.search;

import io.ann4j.compiler.spi.NativeViews;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * Scores of f32 queries against a half-precision database (bf16 or f16), tile by tile into a
 * worker's buffer, accumulated in f32. Two products (see {@link HalfProducts}):
 * <ul>
 *   <li>bf16 gemm: the queries rounded to bf16 once per search; a bf16 database read in place, an
 *   f16 one rounded to bf16 tile by tile into the worker's scratch (it stays in cache for the
 *   product);</li>
 *   <li>converted: each database tile widened to f32 (exact) into the scratch, then OpenBLAS's
 *   sgemm, or sgemv for one query, with the f32 queries.</li>
 * </ul>
 * The database is {@code [N, D]} ({@code transB}, the {@code dot(qy, transpose(db))} form) or
 * {@code [D, N]}; the queries are always given as a row-major {@code [M, D]} f32 array.
 */
public final class HalfGemmTiles implements TileSource {
    private static final int ROW_MAJOR = 101;
    private static final int NO_TRANS = 111;
    private static final int TRANS = 112;

    private final MemorySegment queries;
    private final MemorySegment db;
    private final boolean dbBf16;
    private final boolean transB;
    private final int n;
    private final int depth;
    private final int m;
    private final boolean bf16Gemm;
    /** The f32 queries, for {@link HalfRowDots} when there is one. */
    private final float[] f32Queries;

    /**
     * @param queries  row-major f32 {@code [m, depth]}
     * @param db       raw 16-bit elements, {@code [n, depth]} when {@code transB}, else {@code [depth, n]}
     * @param dbBf16   bf16 (true) or IEEE f16 elements
     * @param bf16Gemm run the bf16 gemm (else the converted f32 product)
     */
    public HalfGemmTiles(float[] queries, int m, MemorySegment db, boolean dbBf16, boolean transB, int n, int depth,
                         boolean bf16Gemm) {
        this.db = db;
        this.dbBf16 = dbBf16;
        this.transB = transB;
        this.n = n;
        this.depth = depth;
        this.m = m;
        this.bf16Gemm = bf16Gemm;
        this.f32Queries = queries;
        // Native copies for the libraries; freed with the tiles once the search drops them.
        Arena arena = Arena.ofAuto();
        if (bf16Gemm) {
            this.queries = arena.allocate(Math.max(2L, (long) m * depth * 2), 64);
            HalfConversions.floatsToBf16(queries, 0, this.queries, 0, m * depth);
        } else {
            this.queries = arena.allocate(Math.max(4L, (long) m * depth * 4), 64);
            MemorySegment.copy(queries, 0, this.queries, java.lang.foreign.ValueLayout.JAVA_FLOAT, 0, m * depth);
        }
    }

    @Override
    public boolean f64() {
        return false;
    }

    private record HalfBuffer(Arena arena, MemorySegment scores, MemorySegment scratch) implements Buffer {
        @Override
        public void close() {
            arena.close();
        }
    }

    @Override
    public Buffer newBuffer(int maxRows, int maxCols) {
        Arena arena = Arena.ofConfined();
        MemorySegment scores = NativeViews.unscoped(arena, (long) maxRows * maxCols * 4);
        long scratchBytes = bf16Gemm ? 2L : 4L;
        MemorySegment scratch = arena.allocate(Math.max(1, (long) maxCols * depth * scratchBytes), 64);
        return new HalfBuffer(arena, scores, scratch);
    }

    @Override
    public MemorySegment tile(Buffer buffer, int r0, int rows, int c0, int cols) {
        HalfBuffer hb = (HalfBuffer) buffer;
        if (bf16Gemm && transB && CpuDefaults.HALF_ROW_DOTS && HalfRowDots.applies(rows, depth)) {
            // One query streams the database: widened in registers, read once, in place.
            HalfRowDots.scores(f32Queries, r0, db, dbBf16, c0, cols, depth, hb.scores());
            return hb.scores();
        }
        if (bf16Gemm) {
            MemorySegment b;
            long ldb;
            long at = transB ? (long) c0 * depth * 2 : (long) c0 * 2;
            if (dbBf16 && transB && rows > 1 && (db.address() + at) % 64 != 0) {
                // ND4J aligns its buffers to 16 bytes only: a misaligned tile is copied into the
                // (aligned, cache-resident) scratch, which the product then reads at full speed
                // (measured: an f16 database, converted tile by tile, searched faster than a bf16
                // one read in place). One query is a gemv bound by memory: it reads in place.
                MemorySegment.copy(db, at, hb.scratch(), 0, (long) cols * depth * 2);
                b = hb.scratch();
                ldb = depth;
            } else if (dbBf16) {
                b = db.asSlice(at);
                ldb = transB ? depth : n;
            } else {
                convertTile(hb.scratch(), c0, cols);
                b = hb.scratch();
                ldb = transB ? depth : cols;
            }
            OneDnn.gemmBf16(false, transB, rows, cols, depth, queries.asSlice((long) r0 * depth * 2), depth, b, ldb,
                    hb.scores(), cols);
            return hb.scores();
        }
        convertTile(hb.scratch(), c0, cols);
        FloatPointer a = new FloatPointer(NativeViews.pointer(queries.address() + (long) r0 * depth * 4));
        FloatPointer b = new FloatPointer(NativeViews.pointer(hb.scratch().address()));
        FloatPointer c = new FloatPointer(NativeViews.pointer(hb.scores().address()));
        int ldb = transB ? depth : cols;
        if (rows == 1) {
            // One query: a gemv reads the widened tile once, where gemm would pack it first.
            if (transB) {
                openblas_nolapack.cblas_sgemv(ROW_MAJOR, NO_TRANS, cols, depth, 1f, b, ldb, a, 1, 0f, c, 1);
            } else {
                openblas_nolapack.cblas_sgemv(ROW_MAJOR, TRANS, depth, cols, 1f, b, ldb, a, 1, 0f, c, 1);
            }
        } else {
            openblas_nolapack.cblas_sgemm(ROW_MAJOR, NO_TRANS, transB ? TRANS : NO_TRANS, rows, cols, depth, 1f, a,
                    depth, b, ldb, 0f, c, cols);
        }
        return hb.scores();
    }

    /**
     * Database columns {@code [c0, c0 + cols)} into the scratch: bf16 for the bf16 gemm (from f16),
     * f32 for the converted product; {@code [cols, depth]} or {@code [depth, cols]} as stored.
     */
    private void convertTile(MemorySegment scratch, int c0, int cols) {
        if (transB) {
            convert(c0 * (long) depth, scratch, 0, cols * depth);
        } else {
            for (int d = 0; d < depth; d++) {
                convert((long) d * n + c0, scratch, (long) d * cols, cols);
            }
        }
    }

    private void convert(long from, MemorySegment scratch, long to, int count) {
        if (bf16Gemm) {
            HalfConversions.f16ToBf16(db, from, scratch, to, count);
        } else {
            HalfConversions.widen(db, from, dbBf16, scratch, to, count);
        }
    }

    @Override
    public long ld(int cols) {
        return cols;
    }

    @Override
    public boolean usesOpenBlas() {
        return !bf16Gemm;
    }

    @Override
    public int blockRows() {
        return CpuDefaults.HALF_TILE_ROWS;
    }

    /**
     * As {@link GemmTiles#tileCols()}: wide tiles for few queries (per-call overhead dominates a
     * product with a tiny M: measured at Q=1, N=1M, an f16 database converts and multiplies in
     * 30 ms with 8192 columns against 46 with 1024), L2-sized ones for many.
     */
    @Override
    public int tileCols() {
        return m <= 64 ? 8192 : CpuDefaults.HALF_TILE_COLS;
    }
}
