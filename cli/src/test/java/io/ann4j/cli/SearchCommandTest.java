package io.ann4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ann4j.cli.io.Hdf5File;
import io.ann4j.cli.io.Matrices;
import io.ann4j.cli.io.Matrix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code search} and {@code groundtruth} against brute force, in every output format and block size. */
class SearchCommandTest {
    static final int N = 3000;
    static final int Q = 20;
    static final int D = 16;
    static final int K = 10;

    @TempDir
    static Path dir;
    static float[] db;
    static float[] qy;
    static Path dbFile;
    static Path qFile;

    @BeforeAll
    static void data() throws IOException {
        db = Data.gaussian(N, D, 11);
        qy = Data.gaussian(Q, D, 12);
        dbFile = Data.write(dir.resolve("db.fvecs"), N, D, db);
        qFile = Data.write(dir.resolve("q.npy"), Q, D, qy);
    }

    private static int[] run(String command, String metric, String outName, String... more) {
        Path out = dir.resolve(outName);
        List<String> args = new java.util.ArrayList<>(List.of(command, "--db", dbFile.toString(), "--queries", qFile.toString(),
                "--k", "" + K, "--metric", metric, "--out", out.toString(), "--force"));
        args.addAll(List.of(more));
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains(Q + " queries x " + N + " rows"), r.toString());
        assertTrue(r.out().matches("(?s).*phases: open and read the queries [0-9.]+ s, read the database [0-9.]+ s,"
                + " search [0-9.]+ s, write [0-9.]+ s.*"), "the phases are reported: " + r);
        if (outName.endsWith(".csv")) {
            return null;
        }
        try (Matrix m = Matrices.open(out, (String) null, "neighbors")) {
            assertEquals(Q, m.rows());
            assertEquals(K, m.cols());
            return m.readAllInts();
        }
    }

    private static int[] truth(String metric) {
        int[] all = new int[Q * K];
        for (int q = 0; q < Q; q++) {
            System.arraycopy(Data.bruteForce(db, N, qy, q, D, K, metric), 0, all, q * K, K);
        }
        return all;
    }

    @ParameterizedTest
    @ValueSource(strings = {"ip", "l2", "cosine"})
    void groundtruthIsTheBruteForceTopK(String metric) {
        assertArrayEquals(truth(metric), run("groundtruth", metric, "gt-" + metric + ".ivecs"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ip", "l2", "cosine"})
    void searchFindsTheNeighboursInBlocksAsInOne(String metric) {
        int[] one = run("search", metric, "one-" + metric + ".npy", "--recall", "0.95");
        int[] blocks = run("search", metric, "blocks-" + metric + ".npy", "--recall", "0.95", "--block-rows", "257");
        assertArrayEquals(truth(metric), one, "the default (threshold) selection is exact");
        assertArrayEquals(one, blocks, "blocks of 257 rows (the last one short) give the same neighbours");
    }

    @Test
    void devicesShardEachBlock() {
        io.ann4j.compiler.spi.DeviceSet cpu = io.ann4j.compiler.spi.Backends.get("cpu").devices();
        int before = cpu.count();
        assertArrayEquals(truth("l2"), run("search", "l2", "devices.ibin", "--devices", "3", "--block-rows", "1000"));
        assertEquals(before, cpu.count(), "--devices holds for one command only");
    }

    @Test
    void halfPrecisionDatabasesKeepMostNeighbours() {
        int[] t = truth("ip");
        for (String dtype : List.of("bf16", "f16")) {
            int[] got = run("search", "ip", "half-" + dtype + ".npy", "--dtype", dtype);
            int hits = 0;
            for (int q = 0; q < Q; q++) {
                java.util.Set<Integer> s = new java.util.HashSet<>();
                for (int j = 0; j < K; j++) {
                    s.add(t[q * K + j]);
                }
                for (int j = 0; j < K; j++) {
                    hits += s.contains(got[q * K + j]) ? 1 : 0;
                }
            }
            assertTrue(hits >= 0.9 * Q * K, dtype + ": " + hits + " of " + Q * K + " neighbours found");
        }
    }

    @Test
    void hdf5OutputHoldsNeighboursDistancesAndTheMetric() {
        int[] ids = run("groundtruth", "l2", "gt.hdf5");
        try (Hdf5File h = new Hdf5File(dir.resolve("gt.hdf5")); Matrix d = h.dataset("distances")) {
            assertEquals("euclidean", h.distance());
            float[] dist = d.readAll();
            for (int q = 0; q < Q; q++) {
                for (int j = 0; j < K; j++) {
                    double want = Math.sqrt(Data.l2sq(qy, q, db, ids[q * K + j], D));
                    assertEquals(want, dist[q * K + j], 1e-4 * Math.max(1, want), "query " + q + " rank " + j);
                }
            }
        }
    }

    @Test
    void csvOutputHasOneLinePerNeighbour() throws IOException {
        run("groundtruth", "cosine", "gt.csv");
        List<String> lines = Files.readAllLines(dir.resolve("gt.csv"));
        assertEquals("query,rank,id,distance", lines.get(0));
        assertEquals(1 + Q * K, lines.size());
        String[] first = lines.get(1).split(",");
        int id = Integer.parseInt(first[2]);
        assertEquals(1 - Data.cos(qy, 0, db, id, D), Double.parseDouble(first[3]), 1e-5);
    }

    @Test
    void nanRowsAreSkippedOnRequest() throws IOException {
        float[] v = db.clone();
        int[] t = truth("l2");
        int victim = t[0]; // query 0's nearest row
        v[victim * D] = Float.NaN;
        Path f = Data.write(dir.resolve("db-nan.npy"), N, D, v);
        float[] q = qy.clone();
        q[5 * D + 3] = Float.POSITIVE_INFINITY;
        Path qf = Data.write(dir.resolve("q-inf.npy"), Q, D, q);
        Path out = dir.resolve("skip.npy");
        Cli.Result r = Cli.run("search", "--db", f.toString(), "--queries", qf.toString(), "--k", "" + K, "--metric", "l2",
                "--on-nan", "skip", "--block-rows", "500", "--out", out.toString(), "--force");
        assertEquals(0, r.code(), r.toString());
        try (Matrix m = Matrices.open(out, (String) null, null)) {
            int[] ids = m.readAllInts();
            assertEquals(t[1], ids[0], "query 0's first neighbour is its second, the first being skipped");
            for (int j = 0; j < K; j++) {
                assertEquals(-1, ids[5 * K + j], "the skipped query has no neighbours");
            }
            float[] far = db.clone();
            java.util.Arrays.fill(far, victim * D, (victim + 1) * D, 1e6f); // the skipped row, out of reach
            for (int qi = 0; qi < Q; qi++) {
                if (qi != 5) {
                    assertArrayEquals(Data.bruteForce(far, N, qy, qi, D, K, "l2"), java.util.Arrays.copyOfRange(ids, qi * K, (qi + 1) * K),
                            "query " + qi);
                }
            }
        }
    }

    @Test
    void formatsCanBeNamedWhenExtensionsDoNotSay() throws IOException {
        Path db2 = Files.copy(dbFile, dir.resolve("db.data"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path q2 = Files.copy(qFile, dir.resolve("queries.bin"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path out = dir.resolve("ids.txt");
        Cli.Result r = Cli.run("groundtruth", "--db", db2.toString(), "--db-format", "fvecs", "--queries", q2.toString(),
                "--queries-format", "npy", "--k", "" + K, "--metric", "ip", "--out", out.toString(), "--format", "ivecs", "--force");
        assertEquals(0, r.code(), r.toString());
        try (Matrix m = Matrices.open(out, "ivecs", null)) {
            assertArrayEquals(truth("ip"), m.readAllInts());
        }
    }

    @Test
    void tpuBackendGivesTheSameNeighbours() {
        assertArrayEquals(truth("ip"), run("groundtruth", "ip", "tpu.npy", "--backend", "tpu"));
    }
}
