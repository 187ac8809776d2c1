package io.ann4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ann4j.cli.io.Matrices;
import io.ann4j.cli.io.Matrix;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher, {@code ./ann4j}, as a real process (on the tests' class path, so that it does not
 * build): a database larger than the JVM's heap streams through it, a bad file exits 2 with one
 * line, and Ctrl-C leaves no output behind.
 */
class LauncherTest {
    static final Path LAUNCHER = Path.of("..", "ann4j").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    private static Process start(Path errFile, String javaOpts, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(LAUNCHER.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(errFile.toFile());
        pb.environment().put("ANN4J_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().put("ANN4J_JAVA_OPTS", javaOpts);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return pb.start();
    }

    private Run run(String javaOpts, String... args) throws Exception {
        Path err = dir.resolve("stderr-" + System.nanoTime());
        Process p = start(err, javaOpts, args);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the launcher finished");
        String e = Files.readString(err).lines().filter(l -> !l.startsWith("WARNING: Using incubator modules")).reduce("", (a, b) -> a + b + "\n");
        return new Run(p.exitValue(), out, e);
    }

    /** A {@code .fbin} of {@code rows x dim} random floats, written without holding it on the heap. */
    private static Path bigFbin(Path file, int rows, int dim) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(rows).putInt(dim).flip());
            java.util.Random r = new java.util.Random(5);
            ByteBuffer buf = ByteBuffer.allocate(dim * 4 * 1024).order(ByteOrder.LITTLE_ENDIAN);
            for (int row = 0; row < rows; row += 1024) {
                buf.clear();
                for (int i = 0; i < Math.min(1024, rows - row) * dim; i++) {
                    buf.putFloat((float) r.nextGaussian());
                }
                ch.write(buf.flip());
            }
        }
        return file;
    }

    @Test
    void aDatabaseLargerThanTheHeapStreamsThroughTheLauncher() throws Exception {
        int rows = 48_000;
        int dim = 512; // 98 MB of float32, with a 64 MB heap
        Path db = bigFbin(dir.resolve("big.fbin"), rows, dim);
        float[] qy = new float[3 * dim];
        try (Matrix m = Matrices.open(db, (String) null, null)) {
            float[] row = new float[dim];
            for (int q = 0; q < 3; q++) {
                m.readRows(q * 10_000L, 1, row); // the queries are database rows: each is its own nearest neighbour
                System.arraycopy(row, 0, qy, q * dim, dim);
            }
        }
        Path queries = Data.write(dir.resolve("q.npy"), 3, dim, qy);
        Path out = dir.resolve("ids.ivecs");
        Run r = run("-Xmx64m", "search", "--db", db.toString(), "--queries", queries.toString(), "--k", "3", "--metric", "l2",
                "--out", out.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("3 queries x 48000 rows (dim 512, l2, k=3"), r.toString());
        try (Matrix ids = Matrices.open(out, (String) null, null)) {
            int[] got = ids.readAllInts();
            assertArrayEquals(new int[] {0, 10_000, 20_000}, new int[] {got[0], got[3], got[6]});
        }
    }

    @Test
    void badInputExitsWith2AndOneLine() throws Exception {
        Run r = run("-Xmx256m", "info", dir.resolve("missing.npy").toString());
        assertEquals(2, r.code(), r.toString());
        assertEquals("ann4j: " + dir.resolve("missing.npy") + ": no such file; expected an existing, readable file", r.err().strip());
        Run v = run("-Xmx256m", "--version");
        assertEquals(0, v.code(), v.toString());
        assertTrue(v.out().startsWith("ann4j "), v.toString());
    }

    @Test
    void ctrlCLeavesNoOutput() throws Exception {
        Path db = bigFbin(dir.resolve("slow.fbin"), 40_000, 256);
        Path queries = Data.write(dir.resolve("q.npy"), 2000, 256, Data.gaussian(2000, 256, 9));
        Path out = dir.resolve("never.hdf5");
        Path err = dir.resolve("stderr");
        Process p = start(err, "-Xmx512m", "groundtruth", "--db", db.toString(), "--queries", queries.toString(), "--k", "100",
                "--block-rows", "64", "--out", out.toString());
        Thread.sleep(3000);
        assertTrue(p.isAlive(), "still searching after 3 s: " + Files.readString(err));
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "stopped after SIGINT");
        assertEquals(130, p.exitValue(), "the JVM's exit code for SIGINT: " + Files.readString(err));
        assertFalse(Files.exists(out));
        try (Stream<Path> s = Files.list(dir)) {
            assertTrue(s.noneMatch(f -> f.getFileName().toString().contains(".partial-")), "no partial output");
        }
    }
}
