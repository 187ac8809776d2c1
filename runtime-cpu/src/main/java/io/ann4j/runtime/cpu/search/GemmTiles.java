package io.ann4j.runtime.cpu.search;

import io.ann4j.compiler.spi.NativeViews;
import java.lang.foreign.MemorySegment;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Scores computed tile by tile into a worker's cache-sized buffer, by oneDNN's {@code dnnl_sgemm}
 * where it loads (see {@link OneDnn}; f32), else by {@code cblas_sgemm} (OpenBLAS, the library
 * ND4J ships; also every f64 product and one-query gemv) into a
 * worker's cache-sized buffer: {@code C[r, c] = sum_d op(A)[r, d] * op(B)[d, c]}. Calling cblas
 * directly on tiles keeps OpenBLAS's peak (157-159 GFLOP/s on 512 x 1024 tiles, 2 threads);
 * {@code Nd4j.gemm} on views loses ~30% to per-call overhead (measured on a Zen 4: 105-120 GFLOP/s).
 */
public final class GemmTiles implements TileSource {
    private static final int ROW_MAJOR = 101;
    private static final int NO_TRANS = 111;
    private static final int TRANS = 112;

    private final INDArray lhs;
    private final INDArray rhs;
    private final boolean transA;
    private final boolean transB;
    private final int depth;
    private final int lda;
    private final int ldb;
    private final boolean f64;
    private final int rowsHint;
    private final boolean oneDnn;

    /**
     * @param lhs    dense {@code [M, D]} (transA false) or {@code [D, M]} (transA true)
     * @param rhs    dense {@code [D, N]} (transB false) or {@code [N, D]} (transB true)
     */
    public GemmTiles(INDArray lhs, boolean transA, INDArray rhs, boolean transB, int depth) {
        this.lhs = lhs;
        this.rhs = rhs;
        this.transA = transA;
        this.transB = transB;
        this.depth = depth;
        this.rowsHint = (int) (transA ? lhs.size(1) : lhs.size(0));
        this.lda = (int) lhs.size(1);
        this.ldb = (int) rhs.size(1);
        this.f64 = lhs.dataType() == DataType.DOUBLE;
        long rows = transA ? lhs.size(1) : lhs.size(0);
        long cols = transB ? rhs.size(0) : rhs.size(1);
        this.oneDnn = usesOneDnn(rows, cols, depth, f64);
    }

    @Override
    public boolean f64() {
        return f64;
    }

    private record NativeBuffer(Pointer pointer, MemorySegment segment) implements Buffer {
        @Override
        public void close() {
            pointer.close();
        }
    }

    @Override
    public Buffer newBuffer(int maxRows, int maxCols) {
        long n = (long) maxRows * maxCols;
        Pointer p = f64 ? new DoublePointer(n) : new FloatPointer(n);
        return new NativeBuffer(p, MemorySegment.ofAddress(p.address()).reinterpret(n * (f64 ? 8 : 4)));
    }

    @Override
    public MemorySegment tile(Buffer buffer, int r0, int rows, int c0, int cols) {
        NativeBuffer nb = (NativeBuffer) buffer;
        long offA = transA ? r0 : (long) r0 * lda;
        long offB = transB ? (long) c0 * ldb : c0;
        if (f64) {
            DoublePointer a = new DoublePointer(NativeViews.pointer(NativeViews.address(lhs))).position(offA);
            DoublePointer b = new DoublePointer(NativeViews.pointer(NativeViews.address(rhs))).position(offB);
            openblas_nolapack.cblas_dgemm(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, rows, cols,
                    depth, 1.0, a, lda, b, ldb, 0.0, (DoublePointer) nb.pointer(), cols);
        } else if (rows == 1 && usesOpenBlas()) {
            // One query: a matrix-vector product streams the database at memory bandwidth, where
            // gemm with M = 1 would pack it first. (The one-row last block of a big batch stays
            // on oneDNN, so that a batch on oneDNN never calls OpenBLAS: see usesOpenBlas.)
            FloatPointer x = new FloatPointer(NativeViews.pointer(NativeViews.address(lhs))).position(offA);
            FloatPointer b = new FloatPointer(NativeViews.pointer(NativeViews.address(rhs))).position(offB);
            int incx = transA ? lda : 1;
            if (transB) {
                openblas_nolapack.cblas_sgemv(ROW_MAJOR, NO_TRANS, cols, depth, 1.0f, b, ldb, x, incx, 0.0f,
                        (FloatPointer) nb.pointer(), 1);
            } else {
                openblas_nolapack.cblas_sgemv(ROW_MAJOR, TRANS, depth, cols, 1.0f, b, ldb, x, incx, 0.0f,
                        (FloatPointer) nb.pointer(), 1);
            }
        } else if (oneDnn) {
            FloatPointer a = new FloatPointer(NativeViews.pointer(NativeViews.address(lhs))).position(offA);
            FloatPointer b = new FloatPointer(NativeViews.pointer(NativeViews.address(rhs))).position(offB);
            OneDnn.sgemm(transA, transB, rows, cols, depth, a, lda, b, ldb, (FloatPointer) nb.pointer(), cols);
        } else {
            FloatPointer a = new FloatPointer(NativeViews.pointer(NativeViews.address(lhs))).position(offA);
            FloatPointer b = new FloatPointer(NativeViews.pointer(NativeViews.address(rhs))).position(offB);
            openblas_nolapack.cblas_sgemm(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, rows, cols,
                    depth, 1.0f, a, lda, b, ldb, 0.0f, (FloatPointer) nb.pointer(), cols);
        }
        return nb.segment();
    }

    @Override
    public long ld(int cols) {
        return cols;
    }

    /** Whether a product of this size runs on oneDNN (f32, large enough, oneDNN loaded). */
    static boolean usesOneDnn(long rows, long cols, long depth, boolean f64) {
        return !f64 && rows * cols * depth >= ONEDNN_MIN_WORK && OneDnn.available();
    }

    /**
     * Products smaller than this many multiply-adds stay on OpenBLAS: oneDNN's gain does not
     * repay loading its 75 MB library for them (a cold process's first small search).
     */
    private static final long ONEDNN_MIN_WORK = 1L << 26;

    /**
     * One query alone in the process (no pmap device sharing the cores): one gemv call on
     * OpenBLAS's own threads per tile, the way the bench's gemv yardstick reads the database,
     * rather than two single-threaded gemvs on our workers with OpenBLAS switched to one thread
     * around the search (Zen 4, N=1,000,000: 17.4-22 against 25.8-33 ms). The price: OpenBLAS's
     * idle worker spins ~100 ms of CPU after the search, which slows other work started right
     * after it, not the next one-query search. A Vector API gemv on our workers, with no threads
     * left behind, measured 28.5-33 ms: slower than either.
     */
    @Override
    public boolean parallelInside() {
        return !f64 && rowsHint == 1 && !CpuDefaults.GEMV_ON_WORKERS && CpuDevices.threadShare() >= SearchRun.threads();
    }

    @Override
    public boolean usesOpenBlas() {
        // one query runs OpenBLAS's gemv: oneDNN with M = 1 measured no faster (Zen 4, N = 1M)
        return f64 || !oneDnn || rowsHint == 1;
    }

    /**
     * 1024 rows ({@link CpuDefaults#TILE_ROWS}), measured on a Zen 4 at Q=1024, N=100,000, D=128:
     * oneDNN's single-threaded products of 1024 x 1024 tiles on both cores take 1.02x the time of
     * one product over every core, 512-row tiles 1.07x and 256-row tiles 1.12x (each call packs its
     * operands again). With 1024 queries or fewer a batch is one block whose workers take database
     * slices, so the database is read once.
     */
    @Override
    public int blockRows() {
        return CpuDefaults.TILE_ROWS;
    }

    /**
     * 1024 columns: narrower tiles pay the per-call packing again (1024 x 256 tiles: 1.10x the
     * time of 1024 x 1024). With few queries a tile is small anyway, and wider tiles cut the
     * per-call overhead that dominates a gemm with a tiny M.
     */
    @Override
    public int tileCols() {
        // one query on OpenBLAS's threads: 65,536 rows (32 MB of a D=128 database, 256 KB of
        // scores) a call, so that waking its threads is paid 16 times over a million rows
        return parallelInside() ? 65_536 : rowsHint <= 64 ? 8192 : CpuDefaults.TILE_COLS;
    }
}
