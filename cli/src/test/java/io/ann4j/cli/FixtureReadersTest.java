package io.ann4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ann4j.cli.io.Hdf5File;
import io.ann4j.cli.io.Matrices;
import io.ann4j.cli.io.Matrix;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The readers on files that NumPy and h5py wrote (src/test/resources/fixtures, made by
 * make_fixtures.py): every matrix is the 5 x 3 grid {@code r * 3 + c - 4.5}, or {@code r * 3 + c}
 * for ids.
 */
class FixtureReadersTest {
    static Path fixture(String name) {
        try {
            return Path.of(FixtureReadersTest.class.getResource("/fixtures/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static float[] grid(int rows) {
        float[] g = new float[rows * 3];
        for (int i = 0; i < g.length; i++) {
            g[i] = i - 4.5f;
        }
        return g;
    }

    @ParameterizedTest
    @ValueSource(strings = {"f32_c.npy", "f16_c.npy", "f64_c.npy", "f32_fortran.npy", "f32_bigendian.npy"})
    void numpyFilesReadAsTheGrid(String name) {
        try (Matrix m = Matrices.open(fixture(name), (String) null, null)) {
            assertEquals(5, m.rows());
            assertEquals(3, m.cols());
            assertArrayEquals(grid(5), m.readAll(), name);
            float[] middle = new float[6];
            m.readRows(2, 2, middle);
            assertArrayEquals(java.util.Arrays.copyOfRange(grid(5), 6, 12), middle, name + " rows 2-3");
        }
    }

    @Test
    void dtypesAreReportedInNumpysNames() {
        try (Matrix a = Matrices.open(fixture("f16_c.npy"), (String) null, null);
                Matrix b = Matrices.open(fixture("f64_c.npy"), (String) null, null)) {
            assertEquals("float16", a.dtype());
            assertEquals("float64", b.dtype());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"i64_ids.npy", "u1_c.npy"})
    void integerNumpyFilesReadAsIds(String name) {
        try (Matrix m = Matrices.open(fixture(name), (String) null, null)) {
            int[] ids = m.readAllInts();
            for (int i = 0; i < 15; i++) {
                assertEquals(i, ids[i], name);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"i2_unsupported.npy", "c8_unsupported.npy"})
    void unsupportedDtypesAreNamed(String name) {
        BadInputException e = assertThrows(BadInputException.class, () -> Matrices.open(fixture(name), (String) null, null));
        assertTrue(e.getMessage().contains(name) && e.getMessage().contains("unsupported dtype")
                && e.getMessage().contains("expected float32"), e.getMessage());
    }

    @Test
    void annBenchmarksFileFromH5py() {
        try (Hdf5File h = new Hdf5File(fixture("ann.hdf5"))) {
            assertEquals("euclidean", h.distance());
            try (Matrix train = h.dataset("train"); Matrix test = h.dataset("test");
                    Matrix nb = h.dataset("neighbors"); Matrix d = h.dataset("distances")) {
                assertArrayEquals(grid(5), train.readAll());
                assertArrayEquals(grid(2), test.readAll());
                // Query 0 is row 0: its neighbours are rows 0, 1, 2, 3 at distances 0, sqrt(27), 2 sqrt(27), 3 sqrt(27).
                assertArrayEquals(new int[] {0, 1, 2, 3}, java.util.Arrays.copyOf(nb.readAllInts(), 4));
                float s = (float) Math.sqrt(27);
                assertArrayEquals(new float[] {0, s, 2 * s, 3 * s}, java.util.Arrays.copyOf(d.readAll(), 4), 1e-5f);
            }
        }
    }

    @Test
    void chunkedAndCompressedHdf5ReadsInSlices() {
        try (Hdf5File h = new Hdf5File(fixture("chunked.hdf5")); Matrix train = h.dataset("train"); Matrix test = h.dataset("test")) {
            float[] rows = new float[9];
            train.readRows(1, 3, rows);
            assertArrayEquals(java.util.Arrays.copyOfRange(grid(5), 3, 12), rows);
            assertArrayEquals(grid(2), test.readAll());
            assertEquals("angular", h.distance());
        }
    }
}
