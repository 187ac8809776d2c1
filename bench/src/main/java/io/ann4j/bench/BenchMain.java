package io.ann4j.bench;

import io.ann4j.dsl.Ann;
import io.ann4j.dsl.Jitted;
import io.ann4j.dsl.TopK;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The side-by-side bench behind {@code bench/run}: for each shape, ann4j's fused search next to
 * OpenBLAS sgemm alone, the gemv floor (small batches), ND4J mmul + top_k and, where installed,
 * FAISS; the ratios; recall against exact search; the half-precision rows ({@link HalfBench}); the
 * targets of issues 3 and 9. Figures are medians of
 * several runs in this one process. Options:
 *
 * <pre>
 *   --quick              Q=1024 N=100,000 and Q=1 N=1,000,000 only
 *   --int8               only the recall-buys-speed rows ({@link Int8Bench}) and their targets
 *   --json FILE          also write one JSON object per case (bench/JSON.md)
 *   --runs N             timed runs per figure (default 5)
 *   --db F.npy --queries F.npy [--k K] [--recall R] [--metric ip|l2|cosine] [--out I.npy]
 *                        the same measurement on your own float32 files
 * </pre>
 */
public final class BenchMain {
    static final int D = 128;
    static final int K = 10;
    static final double RECALL = 0.95;

    private final Options o;
    private final PrintStream out = System.out;
    private final List<Row> rows = new ArrayList<>();
    private final boolean faiss;

    private BenchMain(Options o) {
        this.o = o;
        this.faiss = (o.db.isEmpty() || o.metric.equals("ip")) && Faiss.available();
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        new BenchMain(o).run();
    }

    private void run() throws IOException {
        out.printf(Locale.ROOT, "ann4j bench: %s, %d cores, oneDNN dispatches %s, JDK %s, vector species %s, runs %d%s%n",
                io.ann4j.runtime.cpu.search.CpuFeatures.model(), Runtime.getRuntime().availableProcessors(),
                io.ann4j.runtime.cpu.search.OneDnn.isa(), Runtime.version(),
                jdk.incubator.vector.FloatVector.SPECIES_PREFERRED, o.runs, faiss ? ", FAISS found" : ", FAISS not run (not installed, or not an ip search)");
        if (!o.db.isEmpty()) {
            userFiles();
        } else if (o.storeOnly) {
            rows.addAll(StoreBench.run(out, o.quick ? new int[] {100_000} : new int[] {100_000, 1_000_000}, o.runs));
        } else if (o.int8Only) {
            rows.addAll(new Int8Bench(out, o.runs, o.quick).run());
            targets();
        } else {
            int[][] shapes = o.quick ? new int[][] {{1024, 100_000}, {1, 1_000_000}}
                    : new int[][] {{1024, 100_000}, {1024, 1_000_000}, {1, 1_000_000}, {16, 1_000_000}};
            header();
            for (int[] s : shapes) {
                Row r = measure(s[0], s[1], "ip", random(s[1], D, 1), random(s[0], D, 2), K, RECALL, true);
                line(r);
            }
            if (!o.quick) {
                rows.addAll(SmallBatchTable.run(out, o.runs, find(1, 1_000_000, "gemv_ms"), nsPerMac()));
            }
            rows.addAll(new HalfBench(out, o.runs).run());
            rows.addAll(new Int8Bench(out, o.runs, o.quick).run());
            out.println();
            out.println("gradient (issue 7): value and gradient w.r.t. qy and db of the sum of the top-k values, ip, k=10, recall 0.95:");
            rows.add(GradientBench.measure(out, 1024, 100_000, D, K, RECALL, o.runs, true));
            if (!o.quick) {
                rows.add(GradientBench.measure(out, 4096, 1_000_000, D, K, RECALL, 3, false));
                scaling();
                memory();
            }
            Row compile = CompileCost.measure(out);
            if (compile != null) {
                rows.add(compile);
            }
            targets();
        }
        if (o.json != null) {
            Files.write(o.json, rows.stream().map(Row::json).toList());
            out.println("wrote " + rows.size() + " JSON lines to " + o.json);
        }
    }

    static INDArray random(int rows, int cols, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.FLOAT, rows, cols);
    }

    /** One case, every figure of it. */
    private Row measure(int q, int n, String metric, INDArray db, INDArray qy, int k, double recall, boolean baselines) {
        System.err.printf(Locale.ROOT, "measuring Q=%d N=%d ...%n", q, n);
        int runs = (long) q * n >= 500_000_000L ? Math.max(3, o.runs / 2) : o.runs;
        Jitted<TopK> approx = Programs.approx(metric, k, recall, "threshold");
        Jitted<TopK> bins = Programs.approx(metric, k, recall, "bins");
        Jitted<TopK> exact = Programs.exact(metric, k);
        TopK truth = exact.call(qy, db);
        Object[] got = new Object[1];
        boolean onednn = baselines && io.ann4j.runtime.cpu.search.OneDnn.available();
        // the yardsticks alone, just before ann4j (and again just after: see CleanYardsticks)
        CleanYardsticks.Figures before = baselines && o.db.isEmpty() ? CleanYardsticks.measure(q, n, (int) db.size(1), runs) : null;
        // ann4j and its bins twin, timed in turn with nothing else (the yardsticks' library
        // threads, left spinning after a call, would slow whatever runs next)
        double[] searched = Stats.interleavedMedianMs(runs, List.of(() -> got[0] = approx.call(qy, db), () -> bins.call(qy, db)));
        double[] ms = {searched[0], searched[1], Double.NaN, Double.NaN};
        double[] spin = {Double.NaN, Double.NaN, Double.NaN}; // CPU ms spent after one call: OpenBLAS, oneDNN, ann4j
        if (baselines) {
            // the old way, kept to show the disturbance: the products timed in turn with ann4j in
            // this process (one output buffer serves both)
            try (FloatPointer out = new FloatPointer((long) q * n)) {
                List<Runnable> bodies = new ArrayList<>(List.of(() -> approx.call(qy, db), Baselines.sgemm(qy, db, out)));
                if (onednn) {
                    bodies.add(Baselines.onednn(qy, db, out));
                }
                double[] beside = Stats.interleavedMedianMs(Math.max(3, runs / 2), bodies);
                ms[2] = beside[1];
                ms[3] = onednn ? beside[2] : Double.NaN;
                spin[0] = ThreadSpin.cpuMsAfter(bodies.get(1));
                spin[1] = onednn ? ThreadSpin.cpuMsAfter(bodies.get(2)) : Double.NaN;
                spin[2] = ThreadSpin.cpuMsAfter(bodies.get(0));
            }
        }
        double ann4j = ms[0];
        double binsMs = ms[1];
        double rec = Ann.recall(((TopK) got[0]).indicesArray(), truth.indicesArray());
        double recBins = Ann.recall(bins.call(qy, db).indicesArray(), truth.indicesArray());
        Row r = new Row().put("op", "search").put("dtype", "f32").put("metric", metric).put("q", q).put("n", n)
                .put("d", (int) db.size(1)).put("k", k).put("recall_target", recall).put("recall", rec)
                .put("ann4j_ms", ann4j).put("path", "threshold, " + io.ann4j.runtime.cpu.search.TopKSearch.productPath(q, n, (int) db.size(1))).put("ann4j_bins_ms", binsMs).put("recall_bins", recBins);
        if (MemoryProbe.available()) {
            double resident = MemoryProbe.residentMb();
            MemoryProbe.reset();
            approx.call(qy, db);
            r.put("extra_mb", Math.max(0, MemoryProbe.peakMb() - resident));
        }
        if (baselines) {
            // The yardsticks where they are fastest: each alone in a JVM of its own (the figures
            // measured beside ann4j in this process are kept as *_inproc_ms, to show the gap).
            r.put("sgemm_inproc_ms", ms[2]).put("sgemm_lib", "openblas");
            if (!Double.isNaN(spin[0])) {
                r.put("spin_after_openblas_ms", spin[0]).put("spin_after_ann4j_ms", spin[2]);
                r.put("spin_after_onednn_ms", Double.isNaN(spin[1]) ? null : spin[1]);
            }
            if (onednn) {
                r.put("onednn_sgemm_inproc_ms", ms[3]);
            }
            CleanYardsticks.Figures after = o.db.isEmpty() ? CleanYardsticks.measure(q, n, (int) db.size(1), runs) : null;
            CleanYardsticks.Figures clean = before == null ? after : before.fastest(after);
            if (before != null && after != null) {
                r.put("onednn_sgemm_before_after_ms", String.format(Locale.ROOT, "%.1f/%.1f", before.onednn(), after.onednn()));
                r.put("gemv_before_after_ms", q <= 64 ? String.format(Locale.ROOT, "%.1f/%.1f", before.gemv(), after.gemv()) : null);
            }
            if (clean != null) {
                r.put("sgemm_ms", clean.sgemm());
                if (clean.onednn() > 0) {
                    r.put("onednn_sgemm_ms", clean.onednn());
                }
                if (!Double.isNaN(clean.gemv())) {
                    r.put("gemv_ms", clean.gemv());
                }
            } else {
                r.put("sgemm_ms", ms[2]).put("onednn_sgemm_ms", onednn ? ms[3] : null);
                if (q <= 64) {
                    r.put("gemv_ms", Baselines.gemvMs(qy.getRow(0).reshape(1, db.size(1)).dup(), db, runs));
                }
            }
            // the fastest way of doing the same product, never the slowest
            double floor = r.num("sgemm_ms");
            floor = r.num("onednn_sgemm_ms") == null ? floor : Math.min(floor, r.num("onednn_sgemm_ms"));
            if (q <= 64 && r.num("gemv_ms") != null) {
                r.put("floor_ms", Math.min(floor, r.num("gemv_ms")));
            }
            r.put("product_ms", floor);
            if ((long) q * n <= 200_000_000L) {
                r.put("nd4j_ms", Baselines.nd4jMs(qy, db, k, Math.min(runs, 3)));
            }
            if (faiss) {
                OptionalDouble f = o.db.isEmpty() ? Faiss.medianMs(q, n, (int) db.size(1), k, Math.min(runs, 5))
                        : Faiss.medianMsOnFiles(o.db, o.queries, k, Math.min(runs, 5));
                if (f.isPresent()) {
                    r.put("faiss_ms", f.getAsDouble());
                }
            }
        }
        rows.add(r);
        return r;
    }

    private void header() {
        out.println();
        out.printf(Locale.ROOT, "%-6s %-9s %9s %9s %9s %9s %9s %9s %9s %8s %8s %8s  %s%n", "Q", "N", "ann4j ms", "bins ms",
                "sgemm ms", "onednn ms", "gemv ms", "nd4j ms", "faiss ms", "/product", "/floor", "recall", "nd4j/ann4j faiss/ann4j");
    }

    private void line(Row r) {
        Double a = r.num("ann4j_ms");
        out.printf(Locale.ROOT, "%-6d %-9d %9s %9s %9s %9s %9s %9s %9s %8s %8s %8.4f  %s %s%n",
                ((Number) r.get("q")).intValue(), ((Number) r.get("n")).intValue(), f(a), f(r.num("ann4j_bins_ms")),
                f(r.num("sgemm_ms")), f(r.num("onednn_sgemm_ms")), f(r.num("gemv_ms")), f(r.num("nd4j_ms")), f(r.num("faiss_ms")),
                ratio(a, r.num("product_ms")), ratio(a, r.num("floor_ms")), r.num("recall"),
                ratio(r.num("nd4j_ms"), a), ratio(r.num("faiss_ms"), a));
        if (r.num("sgemm_inproc_ms") != null) {
            out.printf(Locale.ROOT, "%-16s yardsticks above: each alone in a JVM of its own, the faster of just before and just"
                    + " after ann4j (onednn %s ms%s); beside ann4j in this process they took sgemm %s ms, onednn %s ms%n", "",
                    r.get("onednn_sgemm_before_after_ms"), r.get("gemv_before_after_ms") == null ? ""
                            : ", gemv " + r.get("gemv_before_after_ms") + " ms",
                    f(r.num("sgemm_inproc_ms")), f(r.num("onednn_sgemm_inproc_ms")));
        }
        if (r.num("spin_after_openblas_ms") != null) {
            out.printf(Locale.ROOT, "%-16s what disturbs them there: CPU burned by this process's threads in the %d ms after one call"
                    + " returned: OpenBLAS sgemm %s ms, oneDNN %s ms, ann4j %s ms (a library's idle threads spinning)%n", "",
                    ThreadSpin.WINDOW_MS, f(r.num("spin_after_openblas_ms")), f(r.num("spin_after_onednn_ms")),
                    f(r.num("spin_after_ann4j_ms")));
        }
    }

    /** A figure of this run's f32 search row at (q, n), or null. */
    private Double find(int q, int n, String key) {
        for (Row r : rows) {
            if ("search".equals(r.get("op")) && r.get("q").equals(q) && r.get("n").equals(n)) {
                return r.num(key);
            }
        }
        return null;
    }

    /** The clean f32 product's ns per multiply-add at Q=1024, N=100,000. */
    private Double nsPerMac() {
        Double product = find(1024, 100_000, "product_ms");
        return product == null ? null : product * 1e6 / (1024.0 * 100_000 * D);
    }

    /** Time against N (Q fixed) and against Q (N fixed): four points each. */
    private void scaling() {
        out.println();
        out.println("scaling (ann4j ms; ns per query x row should stay flat if time is linear):");
        INDArray db = random(1_000_000, D, 3);
        INDArray qy = random(1024, D, 4);
        for (int n : new int[] {125_000, 250_000, 500_000, 1_000_000}) {
            INDArray part = db.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, n),
                    org.nd4j.linalg.indexing.NDArrayIndex.all()).dup('c');
            scalingPoint(256, n, qy.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 256),
                    org.nd4j.linalg.indexing.NDArrayIndex.all()).dup('c'), part, "n");
        }
        INDArray part = db.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 250_000),
                org.nd4j.linalg.indexing.NDArrayIndex.all()).dup('c');
        for (int q : new int[] {128, 256, 512, 1024}) {
            scalingPoint(q, 250_000, qy.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, q),
                    org.nd4j.linalg.indexing.NDArrayIndex.all()).dup('c'), part, "q");
        }
    }

    private void scalingPoint(int q, int n, INDArray qy, INDArray db, String series) {
        Jitted<TopK> approx = Programs.approx("ip", K, RECALL, "threshold");
        double ms = Stats.medianMs(3, () -> approx.call(qy, db));
        double perPair = ms * 1e6 / ((double) q * n);
        out.printf(Locale.ROOT, "  vary %s: Q=%-5d N=%-8d %8.1f ms  %.3f ns per query x row%n", series, q, n, ms, perPair);
        rows.add(new Row().put("op", "scaling").put("series", series).put("q", q).put("n", n).put("d", D).put("k", K)
                .put("recall_target", RECALL).put("ann4j_ms", ms));
    }

    /** Extra resident memory of one search at Q=4096, N=1,000,000 (the scores would be 16 GB). */
    private void memory() {
        if (!MemoryProbe.available()) {
            return;
        }
        INDArray db = random(1_000_000, D, 5);
        INDArray qy = random(4096, D, 6);
        Jitted<TopK> approx = Programs.approx("ip", K, RECALL, "threshold");
        approx.call(qy.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 64),
                org.nd4j.linalg.indexing.NDArrayIndex.all()).dup('c'), db); // compile outside the probe
        System.gc();
        double before = MemoryProbe.residentMb();
        MemoryProbe.reset();
        long t0 = System.nanoTime();
        TopK r = approx.call(qy, db);
        double ms = (System.nanoTime() - t0) / 1e6;
        double extra = Math.max(0, MemoryProbe.peakMb() - before);
        out.println();
        out.printf(Locale.ROOT, "memory: Q=4096 N=1000000 D=128: %.1f MB above the inputs at peak (outputs %d KB), one search %.0f ms%n",
                extra, r.indicesArray().length() * 8 / 1024, ms);
        rows.add(new Row().put("op", "memory").put("q", 4096).put("n", 1_000_000).put("d", D).put("k", K)
                .put("recall_target", RECALL).put("extra_mb", extra).put("ann4j_ms", ms));
    }

    /** Issue 3's targets, as ratios of this run's figures. */
    private void targets() {
        out.println();
        out.println("targets:");
        for (Row r : rows) {
            if ("grad".equals(r.get("op"))) {
                String shape = "grad Q=" + r.get("q") + " N=" + r.get("n");
                check(shape + ": value+grad <= 1.25 x search", r.num("grad_ms") / r.num("fwd_ms"), 1.25, true);
                check(shape + ": JAX's dense way >= 2.5 x ann4j", r.num("dense_grad_ms") == null ? null
                        : r.num("dense_grad_ms") / r.num("grad_ms"), 2.5, false);
                check(shape + ": backward's extra MB < 400 ([Q,N] f32 at N=100k)", r.num("extra_mb"), 400, true);
                continue;
            }
            if ("small_batch".equals(r.get("op"))) {
                int q = ((Number) r.get("q")).intValue();
                if (q > 1 && q < 64) {
                    check("Q=" + q + " N=" + r.get("n") + ": ann4j <= 1.30 x its floor", r.num("floor_ms") == null ? null
                            : r.num("ann4j_ms") / r.num("floor_ms"), 1.30, true);
                }
                continue;
            }
            if (!"search".equals(r.get("op")) || !"f32".equals(r.get("dtype")) || r.get("prepared") != null) {
                continue; // (the int8 rows have targets of their own: Int8Bench.targets)
            }
            int q = ((Number) r.get("q")).intValue();
            String shape = "Q=" + q + " N=" + r.get("n");
            Double a = r.num("ann4j_ms");
            if (q >= 1024) {
                check(shape + ": ann4j <= 1.10 x the clean f32 product", r.num("product_ms") == null ? null
                        : a / r.num("product_ms"), 1.10, true);
                check(shape + ": nd4j mmul+top_k >= 20 x ann4j", r.num("nd4j_ms") == null ? null : r.num("nd4j_ms") / a, 20, false);
                check(shape + ": FAISS >= 3 x ann4j", r.num("faiss_ms") == null ? null : r.num("faiss_ms") / a, 3, false);
            } else {
                check(shape + ": ann4j <= 1.30 x floor", r.num("floor_ms") == null ? null : a / r.num("floor_ms"), 1.30, true);
            }
            check(shape + ": recall >= " + r.get("recall_target"), r.num("recall"), (Double) r.get("recall_target"), false);
        }
        HalfBench.targets(rows, this::check);
        Int8Bench.targets(rows, this::check);
    }

    private void check(String what, Double value, double bound, boolean atMost) {
        if (value == null) {
            out.printf(Locale.ROOT, "  %-48s not measured%n", what);
            return;
        }
        boolean ok = atMost ? value <= bound : value >= bound;
        out.printf(Locale.ROOT, "  %-48s %7.3f  %s%n", what, value, ok ? "met" : "MISSED");
    }

    /** {@code --db/--queries}: the side-by-side measurement on the user's float32 .npy files. */
    private void userFiles() throws IOException {
        INDArray db = Npy.readFloatMatrix(Path.of(o.db));
        INDArray qy = Npy.readFloatMatrix(Path.of(o.queries));
        if (db.size(1) != qy.size(1)) {
            throw new IllegalArgumentException("--db has dimension " + db.size(1) + " but --queries has " + qy.size(1));
        }
        header();
        Row r = measure((int) qy.size(0), (int) db.size(0), o.metric, db, qy, o.k, o.recall, true);
        line(r);
        if (o.out != null) {
            Npy.writeIntMatrix(Path.of(o.out), Programs.approx(o.metric, o.k, o.recall, "threshold").call(qy, db).indicesArray());
            out.println("wrote ann4j's indices, int32 [" + qy.size(0) + ", " + o.k + "], to " + o.out);
        }
    }

    private static String f(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String ratio(Double a, Double b) {
        return a == null || b == null ? "-" : String.format(Locale.ROOT, "%.2fx", a / b);
    }
}
