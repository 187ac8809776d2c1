package io.ann4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench} on an ann-benchmarks file: the table, the points and the plot. */
class BenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void sweepsTargetsAndWritesPointsAndPlot() throws IOException {
        int n = 2000;
        int d = 12;
        Path file = Data.annBenchmarks(dir.resolve("tiny-angular.hdf5"), Data.gaussian(n, d, 1), Data.gaussian(30, d, 2), d, "angular", 20);
        Path out = dir.resolve("bench");
        Cli.Result r = Cli.run("bench", "--dataset", file.toString(), "--k", "10", "--runs", "1", "--out-dir", out.toString(),
                "--plot-size", "640x480");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("tiny-angular.hdf5: 30 queries, 2000 x 12 database, cosine, k=10"), r.toString());
        assertTrue(r.out().contains("the database was read once ("), "says the passes do not read the file: " + r);
        List<String> rows = r.out().lines().filter(l -> l.startsWith("threshold") || l.startsWith("bins")
                || l.startsWith("int8") || l.startsWith("exact")).toList();
        assertEquals(3 * 6 + 1, rows.size(), r.toString());
        for (String target : List.of("0.50", "0.80", "0.90", "0.95", "0.99", "1.00")) {
            assertTrue(rows.stream().anyMatch(l -> l.startsWith("bins") && l.contains(" " + target + " ")), "target " + target + ": " + r);
        }
        String exact = rows.get(rows.size() - 1);
        assertTrue(exact.matches("exact\\s+-\\s+1\\.0000\\s+.*"), "exact search has recall 1 by the file's distances: " + exact);
        assertTrue(rows.stream().filter(l -> l.startsWith("threshold")).allMatch(l -> l.contains(" 1.0000 ")),
                "threshold selection is exact: " + r);
        for (String line : rows.stream().filter(l -> l.startsWith("int8")).toList()) {
            String[] f = line.trim().split("\\s+"); // int8, target, recall, ...
            assertTrue(Double.parseDouble(f[2]) >= Double.parseDouble(f[1]), "int8 meets its target: " + line);
        }

        List<String> csv = Files.readAllLines(out.resolve("points.csv"));
        assertEquals(1 + 19, csv.size());
        assertTrue(csv.get(0).startsWith("algorithm,recall_target,recall,qps,ms"));
        List<String> json = Files.readAllLines(out.resolve("points.jsonl"));
        assertEquals(19, json.size());
        assertTrue(json.get(0).matches("\\{\"op\":\"search\",\"algorithm\":\"threshold\",\"dtype\":\"f32\",\"metric\":\"cosine\","
                + "\"q\":30,\"n\":2000,\"d\":12,\"k\":10,\"recall_target\":0.5,\"recall\":1\\.000000,\"ann4j_ms\":[0-9.]+,\"qps\":[0-9.]+}"), json.get(0));

        BufferedImage png = ImageIO.read(out.resolve("recall-qps.png").toFile());
        assertEquals(640, png.getWidth());
        assertEquals(480, png.getHeight());
        String svg = Files.readString(out.resolve("recall-qps.svg"));
        assertTrue(svg.contains("<svg") && svg.contains("width=\"640\"") && svg.strip().endsWith("</svg>"), svg.substring(0, 300));
    }

    @Test
    void withoutAGroundTruthItComputesOne() throws IOException {
        Path db = Data.write(dir.resolve("db.npy"), 500, 8, Data.gaussian(500, 8, 3));
        Path q = Data.write(dir.resolve("q.npy"), 10, 8, Data.gaussian(10, 8, 4));
        Path out = dir.resolve("b2");
        Cli.Result r = Cli.run("bench", "--db", db.toString(), "--queries", q.toString(), "--metric", "ip", "--k", "5",
                "--runs", "1", "--targets", "0.9,1.0", "--algorithms", "bins", "--out-dir", out.toString());
        assertEquals(0, r.code(), r.toString());
        assertEquals(3, Files.readAllLines(out.resolve("points.jsonl")).size());
        Cli.Result again = Cli.run("bench", "--db", db.toString(), "--queries", q.toString(), "--metric", "ip", "--k", "5",
                "--runs", "1", "--targets", "0.9", "--out-dir", out.toString());
        assertEquals(2, again.code(), "existing outputs are kept without --force: " + again);
        assertTrue(again.err().contains("points.csv: already exists"), again.toString());
    }

    @Test
    void paretoFrontierKeepsOnlyUnbeatenPoints() {
        var pts = List.of(new io.ann4j.cli.bench.BenchPoint("a", 0.5, 0.6, 1, 100), new io.ann4j.cli.bench.BenchPoint("a", 0.8, 0.8, 1, 200),
                new io.ann4j.cli.bench.BenchPoint("a", 0.9, 0.9, 1, 50), new io.ann4j.cli.bench.BenchPoint("a", 1.0, 1.0, 1, 40));
        var front = io.ann4j.cli.bench.RecallQpsPlot.paretoFrontier(pts);
        assertEquals(List.of(0.8, 0.9, 1.0), front.stream().map(io.ann4j.cli.bench.BenchPoint::recall).toList());
    }
}
