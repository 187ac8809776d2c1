package io.ann4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ann4j.cli.io.Matrices;
import io.ann4j.cli.io.Matrix;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TEXMEX ({@code .fvecs}, {@code .ivecs}, {@code .bvecs}) and big-ann-benchmarks
 * ({@code .fbin}, {@code .u8bin}) layouts, built byte by byte from their specification.
 */
class TexmexLayoutTest {
    @TempDir
    Path dir;

    @Test
    void fvecsIsALengthPrefixThenFloats() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(2 * (4 + 3 * 4)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(3).putFloat(1.5f).putFloat(-2f).putFloat(3f);
        b.putInt(3).putFloat(4f).putFloat(5f).putFloat(6.25f);
        Path f = Files.write(dir.resolve("a.fvecs"), b.array());
        try (Matrix m = Matrices.open(f, (String) null, null)) {
            assertEquals(2, m.rows());
            assertEquals(3, m.cols());
            assertArrayEquals(new float[] {1.5f, -2f, 3f, 4f, 5f, 6.25f}, m.readAll());
        }
    }

    @Test
    void ivecsAndBvecsHoldIdsAndBytes() throws IOException {
        ByteBuffer i = ByteBuffer.allocate(2 * (4 + 2 * 4)).order(ByteOrder.LITTLE_ENDIAN);
        i.putInt(2).putInt(7).putInt(1_000_000_007).putInt(2).putInt(0).putInt(42);
        ByteBuffer u = ByteBuffer.allocate(4 + 4).order(ByteOrder.LITTLE_ENDIAN);
        u.putInt(4).put((byte) 0).put((byte) 1).put((byte) 200).put((byte) 255);
        try (Matrix ids = Matrices.open(Files.write(dir.resolve("gt.ivecs"), i.array()), (String) null, null);
                Matrix bytes = Matrices.open(Files.write(dir.resolve("b.bvecs"), u.array()), (String) null, null)) {
            assertArrayEquals(new int[] {7, 1_000_000_007, 0, 42}, ids.readAllInts());
            assertArrayEquals(new float[] {0, 1, 200, 255}, bytes.readAll(), "uint8 is unsigned");
        }
    }

    @Test
    void aRecordWhosePrefixDisagreesIsReported() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(3 * (4 + 2 * 4)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(2).putFloat(1).putFloat(2).putInt(5).putFloat(3).putFloat(4).putInt(2).putFloat(5).putFloat(6);
        Path f = Files.write(dir.resolve("bad.fvecs"), b.array());
        try (Matrix m = Matrices.open(f, (String) null, null)) {
            BadInputException e = assertThrows(BadInputException.class, m::readAll);
            assertTrue(e.getMessage().contains("record 1 has length prefix 5 but the first has 2"), e.getMessage());
        }
    }

    @Test
    void binIsACountAndDimensionThenRows() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + 2 * 2 * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(2).putInt(2).putFloat(1).putFloat(2).putFloat(3).putFloat(4);
        ByteBuffer u = ByteBuffer.allocate(8 + 3).order(ByteOrder.LITTLE_ENDIAN);
        u.putInt(1).putInt(3).put((byte) 9).put((byte) 128).put((byte) 255);
        try (Matrix f = Matrices.open(Files.write(dir.resolve("a.fbin"), b.array()), (String) null, null);
                Matrix bytes = Matrices.open(Files.write(dir.resolve("a.u8bin"), u.array()), (String) null, null)) {
            assertArrayEquals(new float[] {1, 2, 3, 4}, f.readAll());
            assertArrayEquals(new float[] {9, 128, 255}, bytes.readAll());
        }
    }

    @Test
    void aBinFileShorterThanItsHeaderSaysIsReported() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + 3 * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(2).putInt(2).putFloat(1).putFloat(2).putFloat(3);
        Path f = Files.write(dir.resolve("short.fbin"), b.array());
        BadInputException e = assertThrows(BadInputException.class, () -> Matrices.open(f, (String) null, null));
        assertTrue(e.getMessage().contains("header says 2 x 2 float32 (24 bytes) but the file has 20"), e.getMessage());
    }
}
