package io.ann4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ann4j.cli.io.ElementType;
import io.ann4j.cli.io.Format;
import io.ann4j.cli.io.Matrices;
import io.ann4j.cli.io.Matrix;
import io.ann4j.cli.io.MatrixWriter;
import io.ann4j.cli.io.Table;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every format reads back what it wrote. */
class RoundTripTest {
    @TempDir
    Path dir;

    private Matrix roundTrip(String name, Table t, ElementType npyType) throws IOException {
        Path f = dir.resolve(name);
        MatrixWriter.write(f, Format.of(f, null), t, npyType, t.isInts() ? "neighbors" : "train");
        return Matrices.open(f, (String) null, t.isInts() ? "neighbors" : "train");
    }

    @ParameterizedTest
    @CsvSource({"a.npy,FLOAT32", "a.fvecs,FLOAT32", "a.fbin,FLOAT32", "a.hdf5,FLOAT32", "a.csv,FLOAT32", "b.npy,FLOAT64"})
    void floatsRoundTrip(String name, ElementType type) throws IOException {
        float[] v = Data.gaussian(7, 5, 1);
        try (Matrix m = roundTrip(name, Table.ofFloats(7, 5, v), type)) {
            assertEquals(7, m.rows());
            assertEquals(5, m.cols());
            assertArrayEquals(v, m.readAll(), name);
        }
    }

    @Test
    void float16NpyRoundTripsTheValuesFloat16Holds() throws IOException {
        float[] v = Data.gaussian(4, 6, 2);
        float[] halves = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            halves[i] = Float.float16ToFloat(Float.floatToFloat16(v[i]));
        }
        try (Matrix m = roundTrip("h.npy", Table.ofFloats(4, 6, v), ElementType.FLOAT16)) {
            assertEquals("float16", m.dtype());
            assertArrayEquals(halves, m.readAll());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ids.npy", "ids.ivecs", "ids.ibin", "ids.hdf5", "ids.csv"})
    void idsRoundTrip(String name) throws IOException {
        int[] ids = {0, 1, 2_000_000_000, 7, -1, 42};
        try (Matrix m = roundTrip(name, Table.ofInts(2, 3, ids), ElementType.INT32)) {
            assertArrayEquals(ids, m.readAllInts(), name);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"b.bvecs", "b.u8bin"})
    void bytesRoundTrip(String name) throws IOException {
        float[] v = {0, 1, 127, 128, 200, 255};
        try (Matrix m = roundTrip(name, Table.ofFloats(3, 2, v), ElementType.FLOAT32)) {
            assertArrayEquals(v, m.readAll(), name);
        }
    }

    @Test
    void signedBytesRoundTrip() throws IOException {
        float[] v = {-128, -1, 0, 127};
        try (Matrix m = roundTrip("s.i8bin", Table.ofFloats(2, 2, v), ElementType.FLOAT32)) {
            assertArrayEquals(v, m.readAll());
        }
    }

    @Test
    void bytesOutOfRangeAreRefused() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> roundTrip("c.bvecs", Table.ofFloats(1, 2, new float[] {1.5f, 300}), ElementType.FLOAT32));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("does not fit uint8"), e.getMessage());
    }
}
