package io.ann4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad input gets one line on stderr naming the file, the problem and what was expected, exit
 * code 2, and no output file (not even a partial one).
 */
class BadInputTest {
    @TempDir
    Path dir;
    Path db;
    Path queries;
    Path out;

    @BeforeEach
    void files() throws IOException {
        db = Data.write(dir.resolve("db.npy"), 50, 8, Data.gaussian(50, 8, 1));
        queries = Data.write(dir.resolve("q.npy"), 4, 8, Data.gaussian(4, 8, 2));
        out = dir.resolve("out.npy");
    }

    /** Runs {@code search} and checks exit code 2, one stderr line holding every fragment, and no output. */
    private void assertBadInput(String[] args, String... fragments) throws IOException {
        Cli.Result r = Cli.run(args);
        assertEquals(2, r.code(), r.toString());
        String line = r.err().strip();
        assertEquals(1, line.lines().count(), "one line on stderr: " + r);
        for (String f : fragments) {
            assertTrue(line.contains(f), "stderr should contain '" + f + "': " + r);
        }
        assertFalse(Files.exists(out), "no output file: " + r);
        try (Stream<Path> s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".partial-")), "no partial file: " + r);
        }
    }

    private String[] search(Path dbFile, Path queryFile, String... more) {
        String[] base = {"search", "--db", dbFile.toString(), "--queries", queryFile.toString(), "--k", "5", "--out", out.toString()};
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void missingFile() throws IOException {
        Path missing = dir.resolve("nope.npy");
        assertBadInput(search(missing, queries), missing.toString(), "no such file", "expected an existing, readable file");
    }

    @Test
    void aDirectoryIsNotAReadableFile() throws IOException {
        Path d = Files.createDirectory(dir.resolve("folder.npy"));
        assertBadInput(search(d, queries), d.toString(), "is a directory", "expected a file");
    }

    @Test
    void unreadableFile() throws IOException {
        Path f = Files.copy(db, dir.resolve("locked.npy"));
        Files.setPosixFilePermissions(f, java.util.Set.of());
        // root reads everything: there the permission cannot be taken away, so the case cannot arise
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.isReadable(f), "running as root");
        assertBadInput(search(f, queries), "locked.npy", "permission denied", "expected a readable file");
    }

    @Test
    void unknownExtension() throws IOException {
        Path f = Files.writeString(dir.resolve("db.parquet"), "x");
        assertBadInput(search(f, queries), f.toString(), "unknown extension '.parquet'", "expected one of .npy");
    }

    @Test
    void npyWithUnsupportedDtype() throws IOException {
        assertBadInput(search(FixtureReadersTest.fixture("i2_unsupported.npy"), queries), "i2_unsupported.npy",
                "unsupported dtype '<i2'", "expected float32");
    }

    @Test
    void npyWithCorruptHeader() throws IOException {
        byte[] bytes = Files.readAllBytes(db);
        // Replace the shape's closing parenthesis and brace: the dict no longer parses.
        String text = new String(bytes, 10, 118, StandardCharsets.US_ASCII).replace("), }", "x, ]");
        System.arraycopy(text.getBytes(StandardCharsets.US_ASCII), 0, bytes, 10, 118);
        Path f = Files.write(dir.resolve("corrupt.npy"), bytes);
        assertBadInput(search(f, queries), "corrupt.npy", "corrupt .npy header", "expected");
    }

    @Test
    void npyThatIsNotNpy() throws IOException {
        Path f = Files.writeString(dir.resolve("text.npy"), "hello, this is not numpy");
        assertBadInput(search(f, queries), "text.npy", "not a .npy file", "expected a NumPy .npy file");
    }

    @Test
    void truncatedFvecs() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(2 * (4 + 8 * 4) - 3).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(8);
        Path f = Files.write(dir.resolve("cut.fvecs"), b.array());
        assertBadInput(search(f, queries), "cut.fvecs", "is not a whole number of records of 36 bytes", "truncated");
    }

    @Test
    void fvecsWhoseLengthPrefixDisagrees() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(10 * (4 + 8 * 4)).order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < 10; r++) {
            b.putInt(r == 6 ? 9 : 8);
            for (int c = 0; c < 8; c++) {
                b.putFloat(r + c);
            }
        }
        Path f = Files.write(dir.resolve("mixed.fvecs"), b.array());
        assertBadInput(search(f, queries), "mixed.fvecs", "record 6 has length prefix 9 but the first has 8",
                "expected every record to have dimension 8");
    }

    @Test
    void hdf5WithoutTheExpectedDatasets() throws IOException {
        assertBadInput(search(FixtureReadersTest.fixture("no_train.hdf5"), queries), "no_train.hdf5", "has no dataset 'train'",
                "expected an ann-benchmarks file with datasets train, test, neighbors and distances");
    }

    @Test
    void benchOnHdf5WithoutTheExpectedDatasets() throws IOException {
        Cli.Result r = Cli.run("bench", "--dataset", FixtureReadersTest.fixture("no_train.hdf5").toString(),
                "--out-dir", dir.resolve("bench").toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("has no dataset 'train'"), r.toString());
        assertFalse(Files.exists(dir.resolve("bench")), r.toString());
    }

    @Test
    void dimensionsDiffer() throws IOException {
        Path q = Data.write(dir.resolve("q6.npy"), 3, 6, Data.gaussian(3, 6, 3));
        assertBadInput(search(db, q), "q6.npy", "queries have dimension 6 but the database", "has 8", "expected the same dimension");
    }

    @Test
    void kLargerThanTheDatabase() throws IOException {
        String[] args = search(db, queries);
        args[6] = "51";
        assertBadInput(args, "db.npy", "--k 51 is larger than the database (50 rows)", "expected k <= 50");
    }

    @Test
    void nanInTheDatabaseIsCounted() throws IOException {
        float[] v = Data.gaussian(50, 8, 1);
        v[3 * 8 + 1] = Float.NaN;
        v[3 * 8 + 2] = Float.NaN;
        v[40 * 8] = Float.POSITIVE_INFINITY;
        Path f = Data.write(dir.resolve("nan.npy"), 50, 8, v);
        assertBadInput(search(f, queries), "nan.npy", "2 NaN and 1 infinite values in 2 of 50 rows (the first at row 3)",
                "expected finite numbers", "--on-nan skip");
    }

    @Test
    void nanInTheQueriesIsCounted() throws IOException {
        float[] v = Data.gaussian(4, 8, 2);
        v[9] = Float.NEGATIVE_INFINITY;
        Path f = Data.write(dir.resolve("qnan.npy"), 4, 8, v);
        assertBadInput(search(db, f), "qnan.npy", "0 NaN and 1 infinite values in 1 of 4 rows (the first at row 1)");
    }

    @Test
    void existingOutputIsNotOverwrittenWithoutForce() throws IOException {
        Files.writeString(out, "precious");
        Cli.Result r = Cli.run(search(db, queries));
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("already exists; expected a new file (use --force to overwrite it)"), r.toString());
        assertEquals("precious", Files.readString(out));
        assertEquals(0, Cli.run(search(db, queries, "--force")).code());
        assertFalse(Files.readString(out, StandardCharsets.ISO_8859_1).equals("precious"));
    }

    @Test
    void outputFormatThatCannotHoldIds() throws IOException {
        out = dir.resolve("out.fvecs");
        assertBadInput(search(db, queries), "out.fvecs", "cannot hold neighbour ids", "expected .npy, .ivecs, .ibin, .csv or .hdf5");
    }

    @Test
    void badOptionValues() throws IOException {
        assertBadInput(search(db, queries, "--metric", "hamming"), "--metric hamming is not known; expected ip, l2 or cosine");
        assertBadInput(search(db, queries, "--recall", "1.5"), "--recall 1.5 is out of range; expected a target in (0, 1]");
        assertBadInput(search(db, queries, "--dtype", "int4"), "--dtype int4 is not known; expected f32, bf16 or f16");
        assertBadInput(search(db, queries, "--backend", "gpu"), "--backend gpu is not available");
    }

    @Test
    void usageErrorsExitWith2() {
        Cli.Result r = Cli.run("search", "--out", "x.npy", "--no-such-option");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("Unknown option: '--no-such-option'"), r.toString());
        assertEquals(2, Cli.run().code());
        assertEquals(2, Cli.run("frobnicate").code());
    }

    // ---- sharp edges a careful user hit (issue 17) ----

    @Test
    void recallNaNIsRefusedLikeAnyTargetOutsideZeroOne() throws IOException {
        assertBadInput(search(db, queries, "--recall", "NaN"), "--recall NaN is not a number; expected a target in (0, 1]");
    }

    @Test
    void theFormatHintNamesTheOptionThatWorks() throws IOException {
        Path bare = Files.copy(db, dir.resolve("database"));
        assertBadInput(search(bare, queries), "database", "no extension", "(or name the format with --db-format)");
        Path bareQueries = Files.copy(queries, dir.resolve("queries"));
        assertBadInput(search(db, bareQueries), "queries", "(or name the format with --queries-format)");
        // following the hint works
        Cli.Result r = Cli.run(search(bare, bareQueries, "--db-format", "npy", "--queries-format", "npy"));
        assertEquals(0, r.code(), r.toString());
    }

    @Test
    void npyLongerThanItsHeaderSaysSo() throws IOException {
        byte[] bytes = Files.readAllBytes(db);
        Path f = Files.write(dir.resolve("long.npy"), java.util.Arrays.copyOf(bytes, bytes.length + 12));
        assertBadInput(search(f, queries), "long.npy", "is longer than its header declares", "needs 1600 bytes of data but the file has 1612",
                "(12 more)");
        Path cut = Files.write(dir.resolve("cut.npy"), java.util.Arrays.copyOf(bytes, bytes.length - 4));
        assertBadInput(search(cut, queries), "cut.npy", "expected a complete (not truncated) file");
    }

    @Test
    void aOneDimensionalNpyIsRefusedAsDatabaseOrQueries() throws IOException {
        Path vector = writeNpy(dir.resolve("vector.npy"), "(8,)", Data.gaussian(1, 8, 5));
        assertBadInput(search(vector, queries), "vector.npy", "is a 1-D array of 8 values; expected a matrix [rows, dim] for --db",
                "(1, 8)");
        assertBadInput(search(db, vector), "vector.npy", "expected a matrix [rows, dim] for --queries");
        Path cube = writeNpy(dir.resolve("cube.npy"), "(2, 2, 2)", Data.gaussian(1, 8, 5));
        assertBadInput(search(cube, queries), "cube.npy", "expected a matrix [rows, dim]");
    }

    @Test
    void textOutputListsOnlyTheFormatsThatHoldIds() throws IOException {
        out = dir.resolve("ids.txt");
        assertBadInput(search(db, queries), "ids.txt", "unknown extension '.txt' for neighbour ids",
                "expected .npy, .ivecs, .ibin, .csv or .hdf5 (or name the format with --format)");
        Cli.Result r = Cli.run(search(db, queries));
        assertFalse(r.err().contains(".fvecs") || r.err().contains(".fbin") || r.err().contains(".u8bin"), r.toString());
        assertBadInput(search(db, queries, "--format", "fbin"), ".fbin cannot hold neighbour ids", "expected .npy, .ivecs");
        assertBadInput(search(db, queries, "--format", "parquet"), "--format parquet cannot hold neighbour ids",
                "expected npy, ivecs, ibin, csv or hdf5");
    }

    @Test
    void theOutputMayNotBeAnInputEvenWithForce() throws IOException {
        byte[] before = Files.readAllBytes(db);
        for (Path target : new Path[] {db, Files.createSymbolicLink(dir.resolve("link.npy"), db)}) {
            out = target;
            Cli.Result r = Cli.run(search(db, queries, "--force"));
            assertEquals(2, r.code(), r.toString());
            assertTrue(r.err().contains("is the same file as the input"), r.toString());
            assertTrue(r.err().contains("expected an output that is not an input"), r.toString());
            assertArrayEquals(before, Files.readAllBytes(db), "the database is untouched");
        }
        out = dir.resolve("q-out.npy");
        Files.copy(queries, out);
        Cli.Result r = Cli.run("search", "--db", db.toString(), "--queries", out.toString(), "--k", "5", "--out", out.toString(),
                "--force");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("is the same file as the input"), r.toString());
    }

    @Test
    void skippedRowsAreCountedAndLeftOutOfTheSummary() throws IOException {
        float[] v = Data.gaussian(50, 8, 1);
        v[3 * 8] = Float.NaN;
        v[7 * 8 + 2] = Float.POSITIVE_INFINITY;
        Path f = Data.write(dir.resolve("nan.npy"), 50, 8, v);
        float[] q = Data.gaussian(4, 8, 2);
        q[8] = Float.NaN;
        Path qf = Data.write(dir.resolve("qnan.npy"), 4, 8, q);
        Cli.Result r = Cli.run(search(f, qf, "--on-nan", "skip"));
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("skipped (--on-nan skip): 2 of 50 database rows and 1 of 4 queries hold NaN or infinite values"),
                r.toString());
        assertTrue(r.out().contains("3 queries x 48 rows"), "the summary counts what was searched: " + r);
    }

    @Test
    void nothingLeftToSearchExitsWith2() throws IOException {
        float[] v = new float[6 * 8];
        java.util.Arrays.fill(v, Float.NaN);
        Path f = Data.write(dir.resolve("allnan.npy"), 6, 8, v);
        String[] args = search(f, queries, "--on-nan", "skip");
        args[6] = "3";
        assertBadInput(args, "allnan.npy", "every one of its 6 rows holds NaN or infinite values", "expected at least one row to search");
    }

    @Test
    void cosineRefusesAllZeroRowsOrSkipsThem() throws IOException {
        float[] v = Data.gaussian(50, 8, 1);
        java.util.Arrays.fill(v, 8 * 8, 9 * 8, 0f);
        Path f = Data.write(dir.resolve("zero.npy"), 50, 8, v);
        float[] q = Data.gaussian(4, 8, 2);
        java.util.Arrays.fill(q, 2 * 8, 3 * 8, 0f);
        Path qf = Data.write(dir.resolve("qzero.npy"), 4, 8, q);
        assertBadInput(search(f, queries, "--metric", "cosine"), "zero.npy", "1 of 50 rows are all zeros (the first at row 8)",
                "cosine is undefined for them", "--on-nan skip");
        assertBadInput(search(db, qf, "--metric", "cosine"), "qzero.npy", "1 of 4 rows are all zeros (the first at row 2)");
        // l2 and ip have an answer for a zero row: nothing is refused there
        assertEquals(0, Cli.run(search(f, qf, "--metric", "l2")).code());
        Files.deleteIfExists(out);
        Cli.Result r = Cli.run(search(f, qf, "--metric", "cosine", "--on-nan", "skip"));
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("1 of 50 database rows and 1 of 4 queries hold NaN, infinite or all-zero values"), r.toString());
        try (io.ann4j.cli.io.Matrix m = io.ann4j.cli.io.Matrices.open(out, (String) null, null)) {
            int[] ids = m.readAllInts();
            for (int j = 0; j < 5; j++) {
                assertEquals(-1, ids[2 * 5 + j], "the zero query has no neighbours");
                for (int qi : new int[] {0, 1, 3}) {
                    assertTrue(ids[qi * 5 + j] != 8, "the zero row is never a neighbour");
                }
            }
        }
    }

    /** A float32 .npy of any declared shape (the data as given). */
    private static Path writeNpy(Path file, String shape, float[] data) throws IOException {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
        int len = 10 + dict.length() + 1;
        int pad = (64 - len % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        for (float x : data) {
            b.putFloat(x);
        }
        return Files.write(file, b.array());
    }
}
