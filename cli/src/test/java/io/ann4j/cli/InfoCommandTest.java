package io.ann4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code info}: shape, dtype, norms and NaN / inf counts. */
class InfoCommandTest {
    @TempDir
    Path dir;

    @Test
    void reportsShapeDtypeNormsAndNonFiniteCounts() throws IOException {
        // Rows with norms 5, 1, 13, and one with a NaN and an inf.
        float[] v = {3, 4, 0, 1, 5, 12, Float.NaN, Float.POSITIVE_INFINITY};
        Path f = Data.write(dir.resolve("m.fvecs"), 4, 2, v);
        Cli.Result r = Cli.run("info", f.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("shape [4, 2]  dtype float32"), r.toString());
        assertTrue(r.out().contains("norms min 1.00000  median 5.00000  max 13.0000"), r.toString());
        assertTrue(r.out().contains("NaN 1  inf 1  (in 1 rows)"), r.toString());
    }

    @Test
    void describesEveryDatasetOfAnHdf5File() {
        Cli.Result r = Cli.run("info", FixtureReadersTest.fixture("ann.hdf5").toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("attribute distance = euclidean"), r.toString());
        for (String s : new String[] {"train      shape [5, 3]  dtype float32", "test       shape [2, 3]", "neighbors  shape [2, 4]  dtype int32",
                "distances  shape [2, 4]"}) {
            assertTrue(r.out().contains(s), s + " in " + r);
        }
    }

    @Test
    void helpAndVersion() {
        Cli.Result help = Cli.run("search", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("--recall=R") && help.out().contains("--on-nan"), help.toString());
        Cli.Result version = Cli.run("--version");
        assertEquals(0, version.code());
        assertTrue(version.out().startsWith("ann4j "), version.toString());
        Cli.Result top = Cli.run("--help");
        assertTrue(top.out().contains("Exit codes:") && top.out().contains("groundtruth") && top.out().contains("bench"), top.toString());
    }
}
