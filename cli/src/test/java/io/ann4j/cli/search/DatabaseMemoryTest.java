package io.ann4j.cli.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ann4j.cli.io.ArrayMatrix;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A streamed pass frees each block's off-heap data as soon as it has been searched (ND4J's
 * buffers are outside the heap that -Xmx bounds); a cached database keeps its blocks.
 */
class DatabaseMemoryTest {
    private static ArrayMatrix matrix(int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i % 13) - 6;
        }
        return new ArrayMatrix(Path.of("m.npy"), rows, cols, v);
    }

    @Test
    void aStreamedBlockIsFreedWhenItsConsumerReturns() {
        for (DataType dtype : new DataType[] {DataType.FLOAT, DataType.BFLOAT16}) {
            Database db = new Database(matrix(100, 4), 30, NanPolicy.ERROR, dtype);
            List<INDArray> seen = new ArrayList<>();
            db.forEach(b -> {
                assertFalse(b.data().wasClosed(), "usable while the consumer runs");
                assertEquals(dtype, b.data().dataType());
                seen.add(b.data());
            }, null);
            assertEquals(4, seen.size());
            for (INDArray a : seen) {
                assertTrue(a.wasClosed(), "freed after the consumer returned (" + dtype + ")");
            }
        }
    }

    @Test
    void aCachedDatabaseKeepsItsBlocksAcrossPasses() {
        Database db = new Database(matrix(100, 4), 30, NanPolicy.ERROR, DataType.FLOAT).cache();
        for (int pass = 0; pass < 2; pass++) {
            List<Long> firstRows = new ArrayList<>();
            db.forEach(b -> {
                assertFalse(b.data().wasClosed(), "a cached block is still there on pass " + firstRows.size());
                // row r of the file holds ((r * 4 + c) % 13) - 6
                assertEquals((float) (((b.offset() * 4) % 13) - 6), b.data().getFloat(0, 0));
                firstRows.add(b.offset());
            }, null);
            assertEquals(List.of(0L, 30L, 60L, 90L), firstRows);
        }
    }
}
