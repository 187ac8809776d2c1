package io.ann4j.bench;

import static io.ann4j.dsl.Ops.approxMaxK;
import static io.ann4j.dsl.Ops.approxMinK;

import io.ann4j.dsl.Ann;
import io.ann4j.dsl.Jit;
import io.ann4j.dsl.JitConfig;
import io.ann4j.dsl.Jitted;
import io.ann4j.dsl.Prepared;
import io.ann4j.dsl.Tensor;
import io.ann4j.dsl.TopK;
import io.ann4j.runtime.cpu.search.CpuFeatures;
import io.ann4j.runtime.cpu.search.SearchOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The measurements behind the int8 search's candidate table ({@code Int8Candidates}): recall
 * against exact f32 search as a function of the candidates per query, for the ip, L2 and cosine
 * searches, on random Gaussian data, clustered data and, when given, real embeddings; per-row
 * scales beside per-dimension-then-row scales. {@code bench/run --calibrate [--db real.npy
 * --queries held_out.npy] [--json FILE]}. D comes from the data; k = 10.
 */
public final class Int8Calibration {
    private static final int K = 10;
    /** Candidates per query: k and a little more (where the table's choices fall), then multiples. */
    private static final int[] CANDIDATES = {10, 12, 15, 20, 30, 40};
    private static final String[] METRICS = {"ip", "l2", "cosine"};

    private Int8Calibration() {}

    public static void main(String[] args) throws IOException {
        String db = null;
        String queries = null;
        Path json = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--db" -> db = args[++i];
                case "--queries" -> queries = args[++i];
                case "--json" -> json = Path.of(args[++i]);
                default -> {
                    System.err.println("calibrate: unknown option " + args[i]
                            + "; usage: bench/run --calibrate [--db real.npy --queries held_out.npy] [--json FILE]");
                    System.exit(2);
                }
            }
        }
        System.out.printf(Locale.ROOT, "int8 calibration on %s: recall@%d against exact f32 search, by candidates per query%n",
                CpuFeatures.model(), K);
        System.out.printf(Locale.ROOT, "%-10s %-7s %-14s %s%n", "data", "metric", "scaling", header());
        List<Row> rows = new ArrayList<>();
        INDArray rdb = BenchMain.random(100_000, BenchMain.D, 21);
        INDArray rq = BenchMain.random(1000, BenchMain.D, 22);
        rows.addAll(dataset("random", rdb, rq));
        INDArray[] c = HalfBench.clustered(100_000, 1000, BenchMain.D, 23);
        rows.addAll(dataset("clustered", c[0], c[1]));
        if (db != null) {
            INDArray realDb = Npy.readFloatMatrix(Path.of(db));
            INDArray realQ = Npy.readFloatMatrix(Path.of(queries));
            rows.addAll(dataset("real", realDb, realQ));
        }
        if (json != null) {
            Files.write(json, rows.stream().map(Row::json).toList());
            System.out.println("wrote " + rows.size() + " JSON lines to " + json);
        }
    }

    private static String header() {
        StringBuilder sb = new StringBuilder();
        for (int c : CANDIDATES) {
            sb.append(String.format(Locale.ROOT, "%9s", "C=" + c));
        }
        return sb.toString();
    }

    private static List<Row> dataset(String name, INDArray db, INDArray qy) {
        System.err.printf(Locale.ROOT, "calibrating on %s: N=%d Q=%d D=%d ...%n", name, db.size(0), qy.size(0), db.size(1));
        List<Row> rows = new ArrayList<>();
        Prepared prepared = Ann.prepare(db);
        rows.addAll(defaults(name, db, prepared, qy));
        for (String metric : METRICS) {
            INDArray truth = Programs.exact(metric, K).call(qy, db).indicesArray();
            for (String scaling : new String[] {"row", "dimension-row"}) {
                StringBuilder line = new StringBuilder();
                for (int c : CANDIDATES) {
                    TopK got = program(metric, scaling, c).call(qy, prepared);
                    double recall = Ann.recall(got.indicesArray(), truth);
                    line.append(String.format(Locale.ROOT, "%9.4f", recall));
                    rows.add(new Row().put("op", "calibration").put("data", name).put("metric", metric)
                            .put("scaling", scaling).put("q", (int) qy.size(0)).put("n", (int) db.size(0))
                            .put("d", (int) db.size(1)).put("k", K).put("candidates", c).put("recall", recall)
                            .put("path", "int8+rerank").put("cpu", CpuFeatures.model()));
                }
                System.out.printf(Locale.ROOT, "%-10s %-7s %-14s %s%n", name, metric, scaling, line);
            }
        }
        return rows;
    }

    /**
     * The defaults as a user gets them, per metric: recall at each target's candidate count, and
     * the time of the search against ann4j's exact f32 search, both over the prepared database,
     * timed in turn.
     */
    private static List<Row> defaults(String name, INDArray db, Prepared prepared, INDArray qy) {
        List<Row> rows = new ArrayList<>();
        for (String metric : METRICS) {
            INDArray truth = Programs.exact(metric, K).call(qy, db).indicesArray();
            Jitted<TopK> f32 = Int8Bench.program(metric, K, 1.0, "f32");
            StringBuilder line = new StringBuilder();
            for (double target : new double[] {0.9, 0.95, 0.99}) {
                Jitted<TopK> approx = Int8Bench.program(metric, K, target, "auto");
                Object[] got = new Object[1];
                // both on the prepared database: L2's norms and cosine's normalised rows are kept for both
                double[][] ms = Stats.interleavedMs(5, List.of(() -> f32.call(qy, prepared),
                        () -> got[0] = approx.call(qy, prepared)));
                double recall = Ann.recall(((TopK) got[0]).indicesArray(), truth);
                double ratio = Stats.pairedRatio(ms[1], ms[0]);
                line.append(String.format(Locale.ROOT, "  r=%.2f: recall %.4f, %.1f ms (%.2fx f32 %.1f ms)", target, recall,
                        Stats.median(ms[1]), ratio, Stats.median(ms[0])));
                rows.add(new Row().put("op", "search").put("data", name).put("metric", metric).put("q", (int) qy.size(0))
                        .put("n", (int) db.size(0)).put("d", (int) db.size(1)).put("k", K).put("recall_target", target)
                        .put("recall", recall).put("ann4j_ms", Stats.median(ms[1])).put("ratio_to_f32", ratio)
                        .put("f32_ann4j_ms", Stats.median(ms[0])).put("prepared", true)
                        .put("path", io.ann4j.runtime.cpu.search.Int8Search.path((int) qy.size(0), (int) db.size(0),
                                (int) db.size(1), target, true)).put("cpu", CpuFeatures.model()));
            }
            System.out.printf(Locale.ROOT, "%-10s %-7s defaults:%s%n", name, metric, line);
        }
        return rows;
    }

    private static Jitted<TopK> program(String metric, String scaling, int candidates) {
        BiFunction<Tensor, Tensor, TopK> f = (qy, db) -> Programs.smallerIsBetter(metric)
                ? approxMinK(Programs.scores(metric, qy, db), K, 0.9)
                : approxMaxK(Programs.scores(metric, qy, db), K, 0.9);
        return Jit.jit(f, JitConfig.defaults().option(SearchOptions.PRODUCT, "int8")
                .option(SearchOptions.INT8_CANDIDATES, Integer.toString(candidates))
                .option(SearchOptions.INT8_SCALING, scaling));
    }
}
