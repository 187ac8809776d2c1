package io.ann4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ann4j.cli.io.Hdf5File;
import io.ann4j.cli.io.Matrix;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code generate}: an ann-benchmarks file whose ground truth is the brute-force one. */
class GenerateCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesTrainTestAndTheExactNeighbours() {
        Path out = dir.resolve("gen.hdf5");
        Cli.Result r = Cli.run("generate", "--n", "800", "--q", "7", "--dim", "6", "--clusters", "5", "--k", "12",
                "--distance", "angular", "--out", out.toString());
        assertEquals(0, r.code(), r.toString());
        try (Hdf5File h = new Hdf5File(out); Matrix train = h.dataset("train"); Matrix test = h.dataset("test");
                Matrix nb = h.dataset("neighbors"); Matrix d = h.dataset("distances")) {
            assertEquals("angular", h.distance());
            assertEquals("6", String.valueOf(h.attributes().get("dimension")));
            assertEquals(800, train.rows());
            assertEquals(7, test.rows());
            assertEquals(12, nb.cols());
            float[] db = train.readAll();
            float[] qy = test.readAll();
            int[] ids = nb.readAllInts();
            float[] dist = d.readAll();
            for (int q = 0; q < 7; q++) {
                int[] want = Data.bruteForce(db, 800, qy, q, 6, 12, "cosine");
                for (int j = 0; j < 12; j++) {
                    // By distance, not id: float32 and the double brute force may order near-ties differently.
                    double wanted = 1 - Data.cos(qy, q, db, want[j], 6);
                    assertEquals(wanted, 1 - Data.cos(qy, q, db, ids[q * 12 + j], 6), 1e-5, "query " + q + " rank " + j);
                    assertEquals(wanted, dist[q * 12 + j], 1e-5, "stored distance, query " + q + " rank " + j);
                }
                assertEquals(want[0], ids[q * 12]);
            }
        }
        Cli.Result again = Cli.run("generate", "--n", "10", "--k", "5", "--out", out.toString());
        assertEquals(2, again.code());
        assertTrue(again.err().contains("already exists"), again.toString());
    }
}
