package io.ann4j.bench;

import io.ann4j.dsl.Jitted;
import io.ann4j.dsl.TopK;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Q = 1, 2, 4, ..., 64 against N = 1,000,000 (D=128, k=10, recall 0.95, f32 product): does the
 * time grow no faster than the work? Each point is set against a model of what it cannot beat:
 * reading the database once (the clean gemv's time, {@code bytes_ms}) or doing its multiply-adds at
 * the clean product's rate measured at Q=1024 ({@code flops_ms}), whichever is larger.
 */
final class SmallBatchTable {
    static final int N = 1_000_000;
    static final int[] QS = {1, 2, 4, 8, 16, 32, 64};

    private SmallBatchTable() {}

    /**
     * @param gemvMs    the clean gemv over this database's shape (the Q=1 row's), or null
     * @param nsPerMac  the clean product's ns per multiply-add (the Q=1024 row's), or null
     */
    static List<Row> run(PrintStream out, int runs, Double gemvMs, Double nsPerMac) {
        out.println();
        out.printf(Locale.ROOT, "small batches (N=%,d, D=%d, k=%d, recall %.2f; the floor of a point is the larger of reading"
                + " the database once, gemv %s ms, and its multiply-adds at the clean product's rate):%n", N, BenchMain.D,
                BenchMain.K, BenchMain.RECALL, gemvMs == null ? "-" : String.format(Locale.ROOT, "%.1f", gemvMs));
        out.printf(Locale.ROOT, "%-6s %9s %11s %9s %9s %8s%n", "Q", "ann4j ms", "ms / query", "bytes ms", "flops ms", "/floor");
        INDArray db = BenchMain.random(N, BenchMain.D, 7);
        INDArray all = BenchMain.random(QS[QS.length - 1], BenchMain.D, 8);
        Jitted<TopK> approx = Programs.approx("ip", BenchMain.K, BenchMain.RECALL, "threshold");
        List<Row> rows = new ArrayList<>();
        for (int q : QS) {
            INDArray qy = all.get(NDArrayIndex.interval(0, q), NDArrayIndex.all()).dup('c');
            double ms = Stats.interleavedMedianMs(runs, List.of(() -> approx.call(qy, db)))[0];
            Double flops = nsPerMac == null ? null : nsPerMac * q * (double) N * BenchMain.D / 1e6;
            Double floor = gemvMs == null || flops == null ? null : Math.max(gemvMs, flops);
            out.printf(Locale.ROOT, "%-6d %9.1f %11.2f %9s %9s %8s%n", q, ms, ms / q, f(gemvMs), f(flops),
                    floor == null ? "-" : String.format(Locale.ROOT, "%.2fx", ms / floor));
            rows.add(new Row().put("op", "small_batch").put("q", q).put("n", N).put("d", BenchMain.D).put("k", BenchMain.K)
                    .put("recall_target", BenchMain.RECALL).put("ann4j_ms", ms).put("bytes_ms", gemvMs)
                    .put("flops_ms", flops).put("floor_ms", floor));
        }
        return rows;
    }

    private static String f(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }
}
