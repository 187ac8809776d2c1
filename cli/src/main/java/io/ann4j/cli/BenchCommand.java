package io.ann4j.cli;

import io.ann4j.cli.bench.BenchPoint;
import io.ann4j.cli.bench.BenchReport;
import io.ann4j.cli.bench.GroundTruth;
import io.ann4j.cli.bench.RecallQpsPlot;
import io.ann4j.cli.io.AtomicOutput;
import io.ann4j.cli.io.Format;
import io.ann4j.cli.io.Hdf5File;
import io.ann4j.cli.io.Matrices;
import io.ann4j.cli.io.Matrix;
import io.ann4j.cli.search.BlockSearch;
import io.ann4j.cli.search.Database;
import io.ann4j.dsl.Metric;
import io.ann4j.cli.search.Neighbors;
import io.ann4j.cli.search.Queries;
import io.ann4j.cli.search.SearchSpec;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.knowm.xchart.XYChart;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ann4j bench}: sweeps recall targets, measures recall@k against the ground truth and
 * queries per second, prints a table and writes the points (CSV, JSON lines) and the
 * recall / queries-per-second plot (PNG, SVG), with exact search as a reference point.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Recall against queries per second over recall targets, on an ann-benchmarks .hdf5 file"
                + " (or --db/--queries, with a ground truth it computes): a table, CSV, JSON lines and a plot (PNG, SVG).")
final class BenchCommand implements Callable<Integer> {
    @Mixin
    SearchOptions opts;

    @Option(names = "--dataset", paramLabel = "FILE.hdf5", description = "An ann-benchmarks file (train, test, neighbors, distances).")
    Path dataset;

    @Option(names = "--groundtruth", paramLabel = "FILE", description = "With --db/--queries: the true neighbours (else computed).")
    Path groundtruth;

    @Option(names = "--targets", split = ",", paramLabel = "R,R,...", defaultValue = "0.5,0.8,0.9,0.95,0.99,1.0",
            description = "Recall targets to sweep (default: ${DEFAULT-VALUE}).")
    double[] targets;

    @Option(names = "--algorithms", split = ",", defaultValue = "threshold,bins,int8", paramLabel = "A,A",
            description = "The CPU backend's algorithms to sweep, one plot line each: int8 (int8 scores re-ranked exactly),"
                    + " threshold (the exact f32 product), bins (the TPU's algorithm) (default: ${DEFAULT-VALUE}).")
    String[] algorithms;

    @Option(names = "--runs", defaultValue = "3", description = "Timed runs per point, after one warm-up (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--dtype", defaultValue = "f32", paramLabel = "f32|bf16|f16", description = "The database's dtype (default: ${DEFAULT-VALUE}).")
    String dtype;

    @Option(names = "--out-dir", paramLabel = "DIR", description = "Where points.csv, points.jsonl, recall-qps.png and .svg go"
            + " (default: ann4j-bench-NAME beside the current folder).")
    Path outDir;

    @Option(names = "--plot-size", defaultValue = "1000x700", paramLabel = "WxH", description = "Plot size in pixels (default: ${DEFAULT-VALUE}).")
    String plotSize;

    @Option(names = "--force", description = "Overwrite existing outputs.")
    boolean force;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        opts.check();
        for (double t : targets) {
            if (!(t > 0 && t <= 1)) {
                throw new BadInputException("--targets holds " + t + "; expected recall targets in (0, 1]");
            }
        }
        if (runs < 1) {
            throw new BadInputException("--runs " + runs + " is not positive; expected at least 1");
        }
        int[] size = plotSize();
        DataType dt = SearchOptions.dtype(dtype);
        if (dataset == null && (opts.db == null || opts.queries == null)) {
            throw new BadInputException("bench needs --dataset FILE.hdf5, or --db and --queries; expected one of them");
        }
        Path source = dataset != null ? dataset : opts.db;
        String name = source.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        Path dir = outDir != null ? outDir : Path.of("ann4j-bench-" + name);
        Path csv = dir.resolve("points.csv");
        Path json = dir.resolve("points.jsonl");
        Path png = dir.resolve("recall-qps.png");
        Path svg = dir.resolve("recall-qps.svg");
        if (Files.isDirectory(dir)) {
            for (Path p : List.of(csv, json, png, svg)) {
                AtomicOutput.check(p, force);
            }
        }
        Hdf5File h = dataset != null ? new Hdf5File(dataset) : null;
        try (Matrix dbm = h != null ? h.dataset("train") : opts.openDb(opts.db);
                Matrix qm = h != null ? h.dataset("test") : opts.openQueries(opts.queries)) {
            opts.checkShapes(dbm, qm);
            Metric metric = opts.metric(h != null ? h.distance() : null, source);
            GroundTruth truth = h != null ? fromHdf5(h) : groundtruth != null ? fromFile(groundtruth) : null;
            if (truth != null) {
                truth.check(h != null ? dataset : groundtruth, (int) qm.rows(), opts.k);
            }
            Queries queries = Queries.load(qm, opts.nanPolicy(), metric == Metric.COSINE);
            Database db = opts.database(dbm, dt, metric);
            long bytes = dbm.rows() * dbm.cols() * (dt == DataType.FLOAT ? 4L : 2L);
            boolean cached = bytes < Runtime.getRuntime().maxMemory() / 3;
            long r0 = System.nanoTime();
            if (cached) {
                db.cache(); // time the search, not the file system
            }
            String reading = cached
                    ? String.format(java.util.Locale.ROOT, "the database was read once (%.2f s) and is held in memory, prepared:"
                            + " the timed passes search it, they do not read the file", (System.nanoTime() - r0) / 1e9)
                    : "the database does not fit a third of the heap: every pass reads it from the file";
            List<String> algs = opts.backend == null || opts.backend.equals("cpu") ? Arrays.asList(algorithms) : List.of(opts.backend);
            for (String a : algs) {
                if (!a.equals("int8") && !a.equals("threshold") && !a.equals("bins") && !a.equals(opts.backend)) {
                    throw new BadInputException("--algorithms holds " + a + "; expected int8, threshold and/or bins");
                }
            }
            SearchSpec base = new SearchSpec(metric, opts.k, Double.NaN, null, opts.backend, opts.devices);
            List<BenchPoint> points = new ArrayList<>();
            long total = (long) (1 + algs.size() * targets.length) * (runs + 1) * qm.rows();
            try (Progress p = Progress.start("bench", total, "queries", Progress.allowed(opts.quiet))) {
                Measured exact = measure(new BlockSearch(base), queries, db, p);
                if (truth == null) {
                    truth = GroundTruth.of(exact.result());
                }
                for (String a : algs) {
                    for (double t : targets) {
                        SearchSpec s = base.withRecall(t).withSelection(algs.size() == 1 && !a.equals("int8") && !a.equals("threshold")
                                && !a.equals("bins") ? null : a);
                        Measured m = measure(new BlockSearch(s), queries, db, p);
                        points.add(new BenchPoint(a, t, truth.recall(m.result(), opts.k), m.ms(), qm.rows() / (m.ms() / 1e3)));
                    }
                }
                points.add(new BenchPoint("exact", Double.NaN, truth.recall(exact.result(), opts.k), exact.ms(), qm.rows() / (exact.ms() / 1e3)));
            }
            BenchReport report = new BenchReport(source.getFileName().toString(), metric.optionName(), dtype, (int) qm.rows(),
                    dbm.rows(), dbm.cols(), opts.k, points);
            PrintWriter out = spec.commandLine().getOut();
            report.printTable(out);
            out.println(reading);
            Files.createDirectories(dir);
            report.writeCsv(csv, force);
            report.writeJson(json, force);
            XYChart chart = RecallQpsPlot.chart(report, size[0], size[1]);
            RecallQpsPlot.writePng(chart, png, force);
            RecallQpsPlot.writeSvg(chart, svg, force);
            out.printf("wrote %s, %s, %s, %s%n", csv, json, png, svg);
        } finally {
            if (h != null) {
                h.close();
            }
        }
        return 0;
    }

    private record Measured(Neighbors result, double ms) {}

    /** One warm-up (compiles), then the median of the timed runs. */
    private Measured measure(BlockSearch search, Queries queries, Database db, Progress p) {
        Neighbors last = search.run(queries, db, null);
        p.step(queries.total());
        double[] ms = new double[runs];
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            last = search.run(queries, db, null);
            ms[r] = (System.nanoTime() - t0) / 1e6;
            p.step(queries.total());
        }
        Arrays.sort(ms);
        return new Measured(last, runs % 2 == 1 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2);
    }

    private GroundTruth fromHdf5(Hdf5File h) {
        try (Matrix n = h.dataset("neighbors")) {
            float[] d = null;
            if (h.has("distances")) {
                try (Matrix dm = h.dataset("distances")) {
                    d = dm.readAll();
                }
            }
            return new GroundTruth((int) n.rows(), n.cols(), n.readAllInts(), d);
        }
    }

    private GroundTruth fromFile(Path file) {
        Format f = Format.of(file, null, null);
        if (f == Format.HDF5) {
            try (Hdf5File h = new Hdf5File(file)) {
                return fromHdf5(h);
            }
        }
        try (Matrix m = Matrices.open(file, f, "neighbors")) {
            return new GroundTruth((int) m.rows(), m.cols(), m.readAllInts(), null);
        }
    }

    private int[] plotSize() {
        String[] wh = plotSize.toLowerCase(java.util.Locale.ROOT).split("x");
        try {
            int w = Integer.parseInt(wh[0].strip());
            int hh = Integer.parseInt(wh[1].strip());
            if (wh.length == 2 && w >= 100 && hh >= 100 && w <= 10000 && hh <= 10000) {
                return new int[] {w, hh};
            }
        } catch (RuntimeException ignored) {
            // reported below
        }
        throw new BadInputException("--plot-size " + plotSize + " is not WIDTHxHEIGHT; expected e.g. 1000x700 (100 to 10000 pixels)");
    }
}
