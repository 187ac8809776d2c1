package io.ann4j.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The bench's .npy reader on files NumPy wrote (make_fixtures.py beside them). */
class NpyTest {
    static Path fixture(String name) throws URISyntaxException {
        return Path.of(NpyTest.class.getResource("/npy/" + name).toURI());
    }

    static void assertFixtureValues(INDArray a) {
        assertArrayEquals(new long[] {5, 3}, a.shape());
        for (int i = 0; i < 15; i++) {
            assertEquals(i * 0.5f - 3, a.getFloat(i / 3, i % 3), "element " + i);
        }
    }

    @Test
    void readsCOrder() throws Exception {
        assertFixtureValues(Npy.readFloatMatrix(fixture("c_order_f32.npy")));
    }

    @Test
    void readsFortranOrder() throws Exception {
        assertFixtureValues(Npy.readFloatMatrix(fixture("fortran_order_f32.npy")));
    }

    /** The command's reader: float64 is read (converted to f32) as the command reads it. */
    @Test
    void readsFloat64AsTheCommandDoes() throws Exception {
        INDArray a = Npy.readFloatMatrix(fixture("f64.npy"));
        assertEquals(2, a.rank());
    }

    @Test
    void refusesWhatItDoesNotRead() {
        RuntimeException vec = assertThrows(io.ann4j.cli.BadInputException.class, () -> Npy.readFloatMatrix(fixture("vector_f32.npy")));
        assertTrue(vec.getMessage().contains("2-D") && vec.getMessage().contains("vector_f32.npy"), vec.getMessage());
        RuntimeException cut = assertThrows(io.ann4j.cli.BadInputException.class, () -> Npy.readFloatMatrix(fixture("truncated_f32.npy")));
        assertTrue(cut.getMessage().contains("truncated"), cut.getMessage());
    }

    @Test
    void writtenIndicesReadBackAsNumPyWouldSeeThem(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("ids.npy");
        Npy.writeIntMatrix(out, Nd4j.createFromArray(new int[][] {{1, 2, 3}, {4, 5, 6}}));
        byte[] bytes = java.nio.file.Files.readAllBytes(out);
        String header = new String(bytes, 10, bytes.length - 10 - 24, java.nio.charset.StandardCharsets.US_ASCII);
        assertTrue(header.contains("'descr': '<i4'") && header.contains("(2, 3)"), header);
        assertEquals(0, (10 + header.length()) % 64, "data starts at a multiple of 64");
        assertEquals(6, java.nio.ByteBuffer.wrap(bytes, bytes.length - 4, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt());
    }
}
