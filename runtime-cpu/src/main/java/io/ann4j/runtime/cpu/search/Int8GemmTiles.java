package io.ann4j.runtime.cpu.search;

import io.ann4j.compiler.spi.NativeViews;
import io.ann4j.runtime.cpu.quant.Int8Queries;
import io.ann4j.runtime.cpu.quant.Int8Rows;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The s32 products of u8 query codes and s8 database codes, tile by tile into a worker's buffer
 * (oneDNN's {@code dnnl_gemm_u8s8s32}, {@link OneDnn#gemmU8S8S32}); the scan reads them as s32 and
 * dequantizes as it goes ({@link io.ann4j.runtime.cpu.kernel.Epilogue#int8Scores}). Measured on a
 * Zen 4 (AMD EPYC, family 25), Q=1024, N=100,000, D=128, 2 workers: the products take ~33 ms
 * against ~120 for oneDNN's f32 sgemm; one query against N=1,000,000 takes ~5 ms (the int8 rows
 * are a quarter of the f32 bytes to read). A separate dequantizing pass over each tile cost
 * 0.13 ns per score, as much as the scan itself, hence the fused one.
 */
final class Int8GemmTiles implements TileSource {
    private final Int8Queries queries;
    private final Int8Rows db;
    private final int m;

    Int8GemmTiles(Int8Queries queries, Int8Rows db) {
        this.queries = queries;
        this.db = db;
        this.m = queries.m();
    }

    @Override
    public boolean f64() {
        return false;
    }

    private record Int8Buffer(Arena arena, MemorySegment products, MemorySegment zero)
            implements Buffer {
        @Override
        public void close() {
            arena.close();
        }
    }

    @Override
    public Buffer newBuffer(int maxRows, int maxCols) {
        Arena arena = Arena.ofConfined();
        MemorySegment products = NativeViews.unscoped(arena, Math.max(4L, (long) maxRows * maxCols * 4));
        return new Int8Buffer(arena, products, arena.allocate(4, 4));
    }

    @Override
    public MemorySegment tile(Buffer buffer, int r0, int rows, int c0, int cols) {
        Int8Buffer b = (Int8Buffer) buffer;
        int depth = db.depth();
        OneDnn.gemmU8S8S32(rows, cols, depth, queries.codes().asSlice((long) r0 * depth), depth,
                db.codes().asSlice((long) c0 * depth), depth, b.products(), cols, b.zero());
        return b.products();
    }

    @Override
    public long ld(int cols) {
        return cols;
    }

    /**
     * 512 x 1024 tiles: measured at Q=1024, N=100,000, the search took 62 ms with them, 62-64 with
     * 256 x 512, 256 x 1024 and 512 x 512, 66-67 with 1024 x 512 and 128 x 2048.
     */
    @Override
    public int blockRows() {
        return 512;
    }

    /** Wide tiles for few queries, whose products are short and per-call overhead dominates. */
    @Override
    public int tileCols() {
        return m <= 64 ? 8192 : 1024;
    }
}
