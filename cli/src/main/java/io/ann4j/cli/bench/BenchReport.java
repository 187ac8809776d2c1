package io.ann4j.cli.bench;

import io.ann4j.cli.io.AtomicOutput;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A bench's points as a table (stdout), CSV and JSON lines (one object per point, with the keys of
 * the project's bench JSON: {@code op, dtype, metric, q, n, d, k, recall_target, recall,
 * ann4j_ms}, plus {@code algorithm} and {@code qps}).
 *
 * @param dataset the file measured (its name goes into the table's title)
 */
public record BenchReport(String dataset, String metric, String dtype, int q, long n, int d, int k, List<BenchPoint> points) {

    /** The table, as printed. */
    public void printTable(PrintWriter out) {
        out.printf(Locale.ROOT, "%s: %d queries, %d x %d database, %s, k=%d, dtype %s%n", dataset, q, n, d, metric, k, dtype);
        out.printf(Locale.ROOT, "%-10s %8s %9s %12s %12s%n", "algorithm", "target", "recall", "queries/s", "ms");
        for (BenchPoint p : points) {
            out.printf(Locale.ROOT, "%-10s %8s %9.4f %12.1f %12.2f%n", p.algorithm(),
                    Double.isNaN(p.recallTarget()) ? "-" : String.format(Locale.ROOT, "%.2f", p.recallTarget()), p.recall(), p.qps(), p.ms());
        }
        out.flush();
    }

    /** Writes the CSV (header first). */
    public void writeCsv(Path file, boolean force) throws IOException {
        AtomicOutput.write(file, force, tmp -> {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                w.write("algorithm,recall_target,recall,qps,ms,metric,dtype,q,n,d,k\n");
                for (BenchPoint p : points) {
                    w.write(String.format(Locale.ROOT, "%s,%s,%.6f,%.3f,%.4f,%s,%s,%d,%d,%d,%d%n", p.algorithm(),
                            Double.isNaN(p.recallTarget()) ? "" : Double.toString(p.recallTarget()), p.recall(), p.qps(), p.ms(),
                            metric, dtype, q, n, d, k));
                }
            }
        });
    }

    /** Writes one JSON object per point, per line. */
    public void writeJson(Path file, boolean force) throws IOException {
        AtomicOutput.write(file, force, tmp -> {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                for (BenchPoint p : points) {
                    StringBuilder b = new StringBuilder("{\"op\":\"search\"");
                    b.append(",\"algorithm\":\"").append(p.algorithm()).append('"');
                    b.append(",\"dtype\":\"").append(dtype).append('"');
                    b.append(",\"metric\":\"").append(metric).append('"');
                    b.append(",\"q\":").append(q).append(",\"n\":").append(n).append(",\"d\":").append(d).append(",\"k\":").append(k);
                    if (!Double.isNaN(p.recallTarget())) {
                        b.append(",\"recall_target\":").append(p.recallTarget());
                    }
                    b.append(String.format(Locale.ROOT, ",\"recall\":%.6f,\"ann4j_ms\":%.4f,\"qps\":%.3f}", p.recall(), p.ms(), p.qps()));
                    w.write(b.append('\n').toString());
                }
            }
        });
    }
}
