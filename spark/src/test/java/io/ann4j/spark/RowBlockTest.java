package io.ann4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RowBlockTest {
    @Test
    void dataMustMatchRowsTimesDim() {
        var e = assertThrows(IllegalArgumentException.class, () -> new RowBlock(0, 2, 3, new float[5]));
        assertTrue(e.getMessage().contains("rows * dim = 2 * 3 = 6") && e.getMessage().contains("got 5"), e.getMessage());
    }

    @Test
    void negativeOffsetAndBadSizesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new RowBlock(-1, 0, 1, new float[0]));
        assertThrows(IllegalArgumentException.class, () -> new RowBlock(0, -1, 1, new float[0]));
        assertThrows(IllegalArgumentException.class, () -> new RowBlock(0, 0, 0, new float[0]));
        assertThrows(IllegalArgumentException.class, () -> new RowBlock(0, 1, 1, null));
    }

    @Test
    void equalityComparesTheData() {
        RowBlock a = new RowBlock(4, 1, 2, new float[] {1, 2});
        assertEquals(a, new RowBlock(4, 1, 2, new float[] {1, 2}));
        assertNotEquals(a, new RowBlock(4, 1, 2, new float[] {1, 3}));
        assertEquals(5, a.end());
    }
}
