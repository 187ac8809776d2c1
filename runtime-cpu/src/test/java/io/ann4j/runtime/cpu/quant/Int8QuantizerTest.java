package io.ann4j.runtime.cpu.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The int8 quantizer against {@link Int8Reference}: rounding half to even, the largest magnitude
 * at exactly ±127 and -128 never used, zero rows, NaN and infinite rows, rows too small for an f32
 * multiplier, depths that no vector width divides, both scalings, and the u8 query codes.
 */
class Int8QuantizerTest {
    @Test
    void roundsHalfToEvenAndMapsTheLargestMagnitudeTo127() {
        // m = 127: the multiplier is exactly 1, so y * inv lands on the halves themselves
        float[] row = {0.5f, 1.5f, 2.5f, -0.5f, -2.5f, 3.49f, 126.5f, -127f, 127f};
        Int8Rows q = database(new float[][] {row}, Int8Quantizer.Scaling.ROW);
        assertArrayEquals(new int[] {0, 2, 2, 0, -2, 3, 126, -127, 127}, codes(q, 0), "half to even, then clamp");
        assertEquals(1f, q.rowScale()[0]);
        assertEquals(q.rowScale()[0] * 128f * (0 + 2 + 2 + 0 - 2 + 3 + 126 - 127 + 127), q.offset()[0]);
    }

    @Test
    void zeroRowsHaveZeroCodesAndScaleAndNonFiniteRowsAreFlagged() {
        float[][] rows = {
            {0f, -0f, 0f},
            {1f, Float.NaN, 2f},
            {Float.POSITIVE_INFINITY, 0f, 0f},
            {1f, 2f, Float.NEGATIVE_INFINITY},
            {3f, -4f, 5f}};
        Int8Rows q = database(rows, Int8Quantizer.Scaling.ROW);
        assertArrayEquals(new int[] {1, 2, 3}, q.exactRows(), "the rows with NaN or infinities");
        for (int r = 0; r < 4; r++) {
            assertArrayEquals(new int[3], codes(q, r), "row " + r);
            assertEquals(0f, q.rowScale()[r], "row " + r);
            assertEquals(0f, q.offset()[r], "row " + r);
        }
        assertArrayEquals(new int[] {76, -102, 127}, codes(q, 4));
    }

    @Test
    void rowsTooSmallForAnF32MultiplierStillReach127() {
        float tiny = Float.MIN_VALUE * 3; // 127 / tiny overflows f32
        float[] row = {tiny, -tiny, Float.MIN_VALUE, 0f};
        Int8Rows q = database(new float[][] {row}, Int8Quantizer.Scaling.ROW);
        assertArrayEquals(Int8Reference.quantize(row, null).codes(), codes(q, 0));
        assertArrayEquals(new int[] {127, -127, 42, 0}, codes(q, 0));
    }

    @Test
    void largeValuesMapTo127AndRowsTooLargeToScoreAreFlagged() {
        float[] large = {1e13f, -1e13f, 4e11f, 1f}; // scale 7.9e10: scored
        float[] huge = {3e38f, -3e38f, 1e37f, 1f}; // scale 2.4e36: products could overflow f32
        Int8Rows q = database(new float[][] {large, huge}, Int8Quantizer.Scaling.ROW);
        assertArrayEquals(new int[] {127, -127, 5, 0}, codes(q, 0));
        assertEquals(1e13f / 127f, q.rowScale()[0]);
        assertArrayEquals(new int[] {1}, q.exactRows());
        assertArrayEquals(new int[4], codes(q, 1));
        assertTrue(Int8Quantizer.queries(huge, 1, 4, null).unscorable(), "a query that large");
        assertFalse(Int8Quantizer.queries(large, 1, 4, null).unscorable());
    }

    @Property(tries = 60)
    void databaseMatchesTheReference(@ForAll @IntRange(min = 1, max = 70) int depth,
                                     @ForAll @IntRange(min = 1, max = 40) int n, @ForAll long seed,
                                     @ForAll boolean dimensionScaled) {
        Random rnd = new Random(seed);
        float[][] rows = new float[n][depth];
        for (float[] row : rows) {
            double rowScale = Math.pow(10, rnd.nextInt(9) - 4); // norms that differ by 10^8
            for (int d = 0; d < depth; d++) {
                row[d] = (float) (rnd.nextGaussian() * rowScale * (d % 5 == 0 ? 10 : 1));
            }
        }
        Int8Quantizer.Scaling scaling = dimensionScaled ? Int8Quantizer.Scaling.DIMENSION_AND_ROW : Int8Quantizer.Scaling.ROW;
        Int8Rows q = database(rows, scaling);
        float[] mul = null;
        if (dimensionScaled) {
            float[] s = Int8Reference.dimensionScales(rows);
            assertArrayEquals(s, q.dimScale(), "dimension scales");
            mul = new float[depth];
            for (int d = 0; d < depth; d++) {
                mul[d] = (float) (1.0 / s[d]);
            }
        } else {
            assertNull(q.dimScale());
        }
        for (int r = 0; r < n; r++) {
            Int8Reference.Row expected = Int8Reference.quantize(rows[r], mul);
            assertEquals(expected.exact(), java.util.Arrays.binarySearch(q.exactRows(), r) >= 0, "row " + r + " flagged");
            assertArrayEquals(expected.codes(), codes(q, r), "row " + r + " of depth " + depth);
            assertEquals(expected.scale(), q.rowScale()[r], "scale of row " + r);
            int sum = 0;
            for (int c : expected.codes()) {
                sum += c;
            }
            assertEquals(expected.scale() * (128f * sum), q.offset()[r], "offset of row " + r);
        }
    }

    @Property(tries = 40)
    void queriesAreU8CodesOfTheReferencePlus128(@ForAll @IntRange(min = 1, max = 70) int depth,
                                                 @ForAll @IntRange(min = 1, max = 9) int m, @ForAll long seed) {
        Random rnd = new Random(seed);
        float[] queries = new float[m * depth];
        float[] dimScale = new float[depth];
        for (int i = 0; i < queries.length; i++) {
            queries[i] = (float) rnd.nextGaussian();
        }
        for (int d = 0; d < depth; d++) {
            dimScale[d] = (float) (0.1 + rnd.nextDouble() * 5);
        }
        if (m > 1) {
            java.util.Arrays.fill(queries, 0, depth, 0f); // an all-zero query: every code is 128
        }
        for (float[] scale : new float[][] {null, dimScale}) {
            Int8Queries q = Int8Quantizer.queries(queries, m, depth, scale);
            assertFalse(q.unscorable());
            for (int i = 0; i < m; i++) {
                float[] row = java.util.Arrays.copyOfRange(queries, i * depth, (i + 1) * depth);
                Int8Reference.Row expected = Int8Reference.quantize(row, scale);
                for (int d = 0; d < depth; d++) {
                    int u8 = Byte.toUnsignedInt(q.codes().get(ValueLayout.JAVA_BYTE, (long) i * depth + d));
                    assertEquals(expected.codes()[d] + 128, u8, "query " + i + " dimension " + d);
                    assertTrue(u8 >= 1 && u8 <= 255, "u8 codes stay in 1..255");
                }
                assertEquals(expected.scale(), q.scale()[i], "scale of query " + i);
            }
        }
    }

    @Test
    void aQueryWithNaNOrAnInfinityIsReported() {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            float[] queries = {1f, 2f, 3f, 4f, bad, 6f};
            assertTrue(Int8Quantizer.queries(queries, 2, 3, null).unscorable(), "query holding " + bad);
        }
    }

    private static Int8Rows database(float[][] rows, Int8Quantizer.Scaling scaling) {
        int n = rows.length;
        int depth = rows[0].length;
        MemorySegment seg = Arena.ofAuto().allocate((long) n * depth * 4, 64);
        for (int r = 0; r < n; r++) {
            MemorySegment.copy(rows[r], 0, seg, ValueLayout.JAVA_FLOAT, (long) r * depth * 4, depth);
        }
        return Int8Quantizer.database(seg, n, depth, scaling, null);
    }

    private static int[] codes(Int8Rows q, int row) {
        int[] out = new int[q.depth()];
        for (int d = 0; d < q.depth(); d++) {
            out[d] = q.codes().get(ValueLayout.JAVA_BYTE, (long) row * q.depth() + d);
        }
        return out;
    }
}
