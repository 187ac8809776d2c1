package io.ann4j.runtime.cpu.search;

import io.ann4j.runtime.cpu.kernel.SideInputs;
import io.ann4j.runtime.cpu.kernel.TileScanner;
import io.ann4j.runtime.cpu.select.RowBins;
import io.ann4j.runtime.cpu.select.RowTopK;
import io.ann4j.compiler.ops.TotalOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a search over {@code rows x cols} scores: splits rows into blocks and, when there are
 * fewer blocks than cores, each block's columns into slices (FAISS's rule: parallel over queries,
 * over database slices when queries are few); every task scans its tiles in increasing column
 * order into its own selection state; states of one block are merged; rows are finalised.
 * Nothing of size rows x cols is allocated: one tile per task, and the per-row states.
 */
public final class SearchRun {
    /** One worker per core; daemon threads so that an application can exit without closing us. */
    private static final int THREADS = Runtime.getRuntime().availableProcessors();
    private static final ExecutorService POOL = Executors.newFixedThreadPool(THREADS, r -> {
        Thread t = new Thread(r, "ann4j-cpu-worker");
        t.setDaemon(true);
        return t;
    });
    /** Column slices start at multiples of this, so bins see aligned vector chunks. */
    private static final int ALIGN = 128;

    /** Output of a search: row-major {@code [rows, outSize]} values (f32 or f64) and indices. */
    public record Result(float[] values, double[] valuesF64, int[] indices, int rows, int outSize) {}

    private SearchRun() {}

    public static int threads() {
        return THREADS;
    }

    public static Result run(int rows, int cols, TileSource source, TileScanner scanner, SideInputs sides,
                             SelectionPlan plan) {
        // A pmap device plans for its share of the cores; the tasks still share one pool.
        int threads = source.parallelInside() ? 1 : Math.min(THREADS, CpuDevices.threadShare());
        // A batch that fits one block is not split by rows: its tasks take database slices, so
        // that the database is read once per block, not once per thread.
        int blockRows = rows <= source.blockRows() ? Math.max(1, rows)
                : Math.max(1, Math.min(source.blockRows(), ceilDiv(rows, threads)));
        int blocks = Math.max(1, ceilDiv(rows, blockRows));
        int slices = blocks >= threads ? 1 : Math.max(1, Math.min(ceilDiv(threads, blocks), ceilDiv(cols, ALIGN)));
        int sliceCols = ceilDiv(ceilDiv(cols, slices), ALIGN) * ALIGN;
        List<Future<Object>> futures = new ArrayList<>();
        Object[][] states = new Object[blocks][slices];
        for (int b = 0; b < blocks; b++) {
            for (int s = 0; s < slices; s++) {
                int r0 = b * blockRows;
                int nr = Math.min(blockRows, rows - r0);
                int c0 = s * sliceCols;
                int c1 = Math.min(cols, c0 + sliceCols);
                int bi = b;
                int si = s;
                futures.add(POOL.submit(() -> {
                    Object state = plan.usesBins() ? new RowBins(nr, plan.binCount()) : new RowTopK(nr, plan.capacity());
                    if (c0 < c1) {
                        scan(source, scanner, sides, r0, nr, c0, c1, state);
                    }
                    states[bi][si] = state;
                    return state;
                }));
            }
        }
        await(futures);
        Result out = new Result(source.f64() ? null : new float[rows * plan.outSize()],
                source.f64() ? new double[rows * plan.outSize()] : null, new int[rows * plan.outSize()], rows, plan.outSize());
        for (int b = 0; b < blocks; b++) {
            Object merged = states[b][0];
            for (int s = 1; s < slices; s++) {
                if (merged instanceof RowBins bins) {
                    bins.mergeFrom((RowBins) states[b][s]);
                } else {
                    ((RowTopK) merged).mergeFrom((RowTopK) states[b][s]);
                }
            }
            finish(merged, b * blockRows, plan, source.f64(), out);
        }
        return out;
    }

    /**
     * Runs {@code body(from, to)} over {@code rows} split into one contiguous range per worker, on
     * the search's pool (work per row after a search, such as re-ranking its candidates).
     */
    static void forEachRowRange(int rows, java.util.function.BiConsumer<Integer, Integer> body) {
        int threads = Math.max(1, Math.min(Math.min(THREADS, CpuDevices.threadShare()), rows));
        int per = ceilDiv(Math.max(1, rows), threads);
        List<Future<Object>> futures = new ArrayList<>();
        for (int from = 0; from < rows; from += per) {
            int f = from;
            int to = Math.min(rows, from + per);
            futures.add(POOL.submit(() -> {
                body.accept(f, to);
                return null;
            }));
        }
        await(futures);
    }

    private static void scan(TileSource source, TileScanner scanner, SideInputs sides, int r0, int nr, int c0, int c1,
                             Object state) {
        int tileCols = source.tileCols();
        try (TileSource.Buffer buffer = source.newBuffer(nr, tileCols)) {
            for (int c = c0; c < c1; c += tileCols) {
                int nc = Math.min(tileCols, c1 - c);
                var tile = source.tile(buffer, r0, nr, c, nc);
                long ld = source.ld(nc);
                if (state instanceof RowBins bins) {
                    scanner.bins(tile, ld, nr, nc, r0, 0, c, sides, bins);
                } else {
                    scanner.threshold(tile, ld, nr, nc, r0, 0, c, sides, (RowTopK) state);
                }
            }
        }
    }

    /** Writes the sorted results of a block's rows; missing entries are padded with (init, -1). */
    private static void finish(Object state, int row0, SelectionPlan plan, boolean f64, Result out) {
        int k = plan.outSize();
        if (state instanceof RowTopK top) {
            for (int r = 0; r < top.rows(); r++) {
                int base = (row0 + r) * k;
                for (int i = 0; i < k; i++) {
                    boolean present = i < top.count(r);
                    write(out, base + i, present ? top.key(r, i) : Long.MIN_VALUE, present ? top.index(r, i) : -1,
                            plan.isMax(), f64, present);
                }
            }
            return;
        }
        RowBins bins = (RowBins) state;
        int n = bins.bins();
        long[] packed = new long[n];
        for (int r = 0; r < bins.rows(); r++) {
            int count = 0;
            for (int j = 0; j < n; j++) {
                int idx = bins.indices()[r * n + j];
                if (idx >= 0) {
                    // key descending then index ascending == packed (key, ~index) descending
                    packed[count++] = ((long) bins.keys()[r * n + j] << 32) | (~idx & 0xffffffffL);
                }
            }
            Arrays.sort(packed, 0, count);
            int base = (row0 + r) * k;
            for (int i = 0; i < k; i++) {
                boolean present = i < count;
                long p = present ? packed[count - 1 - i] : 0;
                write(out, base + i, p >> 32, present ? ~(int) p : -1, plan.isMax(), f64, present);
            }
        }
    }

    private static void write(Result out, int at, long key, int index, boolean isMax, boolean f64, boolean present) {
        out.indices()[at] = index;
        if (f64) {
            out.valuesF64()[at] = present ? TotalOrder.valueOfSelectKey(key, isMax)
                    : (isMax ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
        } else {
            out.values()[at] = present ? TotalOrder.valueOfSelectKey((int) key, isMax)
                    : (isMax ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY);
        }
    }

    private static void await(List<Future<Object>> futures) {
        try {
            for (Future<Object> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            futures.forEach(f -> f.cancel(true));
            throw new IllegalStateException("search interrupted", e);
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
