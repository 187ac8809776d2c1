package io.ann4j.bench;

import static io.ann4j.dsl.Ops.approxMaxK;
import static io.ann4j.dsl.Ops.dot;
import static io.ann4j.dsl.Ops.transpose;

import io.ann4j.compiler.ir.DType;
import io.ann4j.dsl.Ann;
import io.ann4j.dsl.Jit;
import io.ann4j.dsl.JitConfig;
import io.ann4j.dsl.Jitted;
import io.ann4j.dsl.Tensor;
import io.ann4j.dsl.TopK;
import io.ann4j.compiler.spi.HalfArrays;
import io.ann4j.runtime.cpu.search.HalfProducts;
import io.ann4j.runtime.cpu.search.HalfSearch;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The half-precision rows of the bench (issue 9): the same MIPS search over the database stored
 * as f32, bf16 and f16, timed side by side in alternation (so the ratios to f32 are fair), each
 * with its recall against exact search on the f32 data; then the re-ranking figures: recall with
 * the default candidate count and with none beyond k, on random and on clustered (non-uniform)
 * data.
 */
final class HalfBench {
    /** The pause after each call of a one-query comparison (OpenBLAS's threads spin ~100 ms). */
    static final long SETTLE_MS = 150;

    private static final String[] HALVES = {"bf16", "f16"};

    private final PrintStream out;
    private final int runs;
    private final List<Row> rows = new ArrayList<>();

    HalfBench(PrintStream out, int runs) {
        this.out = out;
        this.runs = runs;
    }

    /** Measures both standard shapes; returns the rows (for JSON and the targets). */
    List<Row> run() {
        out.println();
        out.printf(Locale.ROOT, "half precision (the database stored as bf16 / f16; queries f32; product: %s, bf16 instructions %s;%n"
                + "  /f32 is the median over rounds of the round's ratio, f32 and the halves timed in turn in each round):%n",
                HalfSearch.path(), HalfProducts.bf16Instructions() ? "present" : "absent");
        out.printf(Locale.ROOT, "%-6s %-9s %-6s %9s %9s %9s %8s %10s %11s  %s%n", "Q", "N", "dtype", "ann4j ms", "f32 ms",
                "/f32", "recall", "candidates", "no-rerank", "path");
        for (int[] s : new int[][] {{1024, 100_000}, {1, 1_000_000}}) {
            shape(s[0], s[1], BenchMain.random(s[1], BenchMain.D, 1), BenchMain.random(s[0], BenchMain.D, 2), "random");
        }
        INDArray[] c = clustered(100_000, 1024, BenchMain.D, 11);
        shape(1024, 100_000, c[0], c[1], "clustered");
        return rows;
    }

    private void shape(int q, int n, INDArray db, INDArray qy, String data) {
        System.err.printf(Locale.ROOT, "measuring half precision Q=%d N=%d (%s) ...%n", q, n, data);
        int k = BenchMain.K;
        double target = BenchMain.RECALL;
        Jitted<TopK> approx = program(k, target, "auto");
        Jitted<TopK> noRerank = program(k, target, Integer.toString(k));
        INDArray truth = Programs.exact("ip", k).call(qy, db).indicesArray();
        INDArray bf16 = HalfArrays.floatToHalf(db, DType.BF16);
        INDArray f16 = HalfArrays.floatToHalf(db, DType.F16);
        Object[] got = new Object[3];
        boolean timed = data.equals("random");
        // The ratios to f32 are targets, and this machine's noise (10-20% from call to call) is
        // the size of their margins: more runs buy steadier medians, three times as many at Q=1
        // (a round takes ~50 ms), twice at Q=1024 (~300 ms).
        int timedRuns = (long) q * n <= 10_000_000L ? 3 * runs : 2 * runs;
        // one query's f32 search leaves OpenBLAS's threads spinning: each call is timed settled
        double[][] rounds = timed ? Stats.interleavedMs(timedRuns, List.of(() -> got[0] = approx.call(qy, db),
                () -> got[1] = approx.call(qy, bf16), () -> got[2] = approx.call(qy, f16)), q == 1 ? SETTLE_MS : 0) : null;
        double[] ms = new double[3];
        for (int i = 0; timed && i < 3; i++) {
            ms[i] = Stats.median(rounds[i]);
        }
        if (!timed) {
            got[0] = approx.call(qy, db);
            got[1] = approx.call(qy, bf16);
            got[2] = approx.call(qy, f16);
        }
        double[] floor = timed && q >= 1024 ? productFloor(qy, db, bf16) : null;
        double f32Recall = Ann.recall(((TopK) got[0]).indicesArray(), truth);
        INDArray[] halves = {bf16, f16};
        for (int i = 0; i < HALVES.length; i++) {
            double recall = Ann.recall(((TopK) got[i + 1]).indicesArray(), truth);
            double recallNoRerank = Ann.recall(noRerank.call(qy, halves[i]).indicesArray(), truth);
            Row r = new Row().put("op", "search").put("dtype", HALVES[i]).put("metric", "ip").put("data", data)
                    .put("q", q).put("n", n).put("d", BenchMain.D).put("k", k).put("recall_target", target)
                    .put("recall", recall).put("ann4j_ms", timed ? ms[i + 1] : null)
                    .put("f32_ann4j_ms", timed ? ms[0] : null).put("f32_recall", f32Recall)
                    .put("ratio_to_f32", timed ? Stats.pairedRatio(rounds[i + 1], rounds[0]) : null)
                    .put("candidates", HalfProducts.usesBf16Gemm() ? HalfSearch.candidates(k, k, target, n, i == 0) : k)
                    .put("recall_without_rerank", recallNoRerank)
                    .put("onednn_f32_ms", floor == null ? null : floor[0])
                    .put("onednn_bf16_ms", floor == null || i > 0 ? null : floor[1])
                    .put("path", "threshold, " + HalfSearch.path()
                            + (i == 1 && HalfProducts.usesBf16Gemm() ? " (f16 tiles rounded to bf16)" : ""));
            rows.add(r);
            out.printf(Locale.ROOT, "%-6d %-9d %-6s %9s %9s %9s %8.4f %10d %11.4f  %s%s%n", q, n, HALVES[i],
                    f(r.num("ann4j_ms")), f(r.num("f32_ann4j_ms")), r.num("ratio_to_f32") == null ? "-"
                            : String.format(Locale.ROOT, "%.2fx", r.num("ratio_to_f32")),
                    recall, ((Number) r.get("candidates")).intValue(), recallNoRerank, r.get("path"),
                    timed ? "" : " (" + data + ": recall only; f32 recall " + String.format(Locale.ROOT, "%.4f", f32Recall) + ")");
        }
        if (floor != null) {
            out.printf(Locale.ROOT, "%-6s the product alone (oneDNN, one call on every core): f32 %.1f ms, bf16 %.1f ms, %.2fx:"
                    + " the floor of the bf16 ratio above%n", "", floor[0], floor[1], floor[1] / floor[0]);
        }
    }

    /**
     * The product alone, one oneDNN call on every core, f32 ({@code dnnl_sgemm}) and bf16
     * ({@code dnnl_gemm_bf16bf16f32}), timed in alternation: their ratio is the best a fused bf16
     * pass can do against a fused f32 one on this machine. Returns {@code {f32, bf16}} ms.
     */
    private double[] productFloor(INDArray qy, INDArray db, INDArray bf16) {
        try (FloatPointer scores = new FloatPointer(qy.size(0) * db.size(0))) {
            return Stats.interleavedMedianMs(runs, List.of(Baselines.onednn(qy, db, scores),
                    Baselines.onednnBf16(qy, bf16, scores)));
        }
    }

    private static Jitted<TopK> program(int k, double recall, String candidates) {
        return Jit.jit((Tensor qy, Tensor db) -> approxMaxK(dot(qy, transpose(db)), k, recall),
                JitConfig.defaults().option(HalfSearch.CANDIDATES_OPTION, candidates)
                        .option(io.ann4j.runtime.cpu.search.SearchOptions.PRODUCT, "f32")); // f32 rows: the f32 product
    }

    /**
     * Non-uniform data, closer to real embeddings than i.i.d. normals: 64 clusters of unequal
     * sizes, dimensions scaled unevenly (some 10x others), queries drawn near the clusters, so
     * that neighbours crowd together and near-ties are common. Returns {@code {db, queries}}.
     */
    static INDArray[] clustered(int n, int q, int d, long seed) {
        java.util.Random rnd = new java.util.Random(seed);
        Nd4j.getRandom().setSeed(seed);
        INDArray centers = Nd4j.randn(DataType.FLOAT, 64, d).muli(2);
        INDArray scale = Nd4j.rand(DataType.FLOAT, 1, d).muli(Nd4j.rand(DataType.FLOAT, 1, d)).muli(3).addi(0.3);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = (int) Math.min(63, Math.floor(64 * Math.pow(rnd.nextDouble(), 2))); // skewed cluster sizes
        }
        INDArray db = centers.getRows(ids).addi(Nd4j.randn(DataType.FLOAT, n, d)).muliRowVector(scale);
        int[] qIds = rnd.ints(q, 0, 64).toArray();
        INDArray qy = centers.getRows(qIds).addi(Nd4j.randn(DataType.FLOAT, q, d).muli(1.5)).muliRowVector(scale);
        return new INDArray[] {db.dup('c'), qy.dup('c')};
    }

    /** Issue 9's targets, as ratios of this run's figures. */
    static void targets(List<Row> rows, Checker check) {
        for (Row r : rows) {
            if (!"search".equals(r.get("op")) || !r.get("dtype").toString().matches("bf16|f16")) {
                continue;
            }
            int q = ((Number) r.get("q")).intValue();
            String shape = r.get("dtype") + " Q=" + q + " N=" + r.get("n") + " (" + r.get("data") + ")";
            if (r.get("dtype").equals("bf16") && r.num("ratio_to_f32") != null) {
                double bound = q >= 1024 ? 0.55 : 0.60;
                check.check(shape + ": ann4j <= " + bound + " x its f32 time", r.num("ratio_to_f32"), bound, true);
            }
            check.check(shape + ": recall >= " + r.get("recall_target"), r.num("recall"), (Double) r.get("recall_target"), false);
        }
    }

    /** The bench's way of printing one target. */
    interface Checker {
        void check(String what, Double value, double bound, boolean atMost);
    }

    private static String f(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }
}
