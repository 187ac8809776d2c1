package io.ann4j.runtime.cpu.dense;

import io.ann4j.compiler.spi.HalfArrays;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RoundingTest {
    @Test
    void bf16RoundsToNearestTiesToEven() {
        // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: ties to the even mantissa (1.0).
        assertEquals(1.0f, HalfArrays.fromBf16Bits(HalfArrays.toBf16Bits(1.0f + 0x1p-8f)));
        // 1 + 3 * 2^-8 lies halfway between 1 + 2^-7 and 1 + 2^-6: ties to even (1 + 2^-6).
        assertEquals(1.0f + 0x1p-6f, HalfArrays.fromBf16Bits(HalfArrays.toBf16Bits(1.0f + 3 * 0x1p-8f)));
        // Just above half rounds up.
        assertEquals(1.0f + 0x1p-7f, HalfArrays.fromBf16Bits(HalfArrays.toBf16Bits(1.0f + 0x1p-8f + 0x1p-20f)));
    }

    @Test
    void bf16KeepsSpecialValues() {
        assertTrue(Float.isNaN(HalfArrays.fromBf16Bits(HalfArrays.toBf16Bits(Float.NaN))));
        assertEquals(Float.POSITIVE_INFINITY, HalfArrays.fromBf16Bits(HalfArrays.toBf16Bits(Float.POSITIVE_INFINITY)));
        assertEquals(Float.NEGATIVE_INFINITY, HalfArrays.fromBf16Bits(HalfArrays.toBf16Bits(Float.NEGATIVE_INFINITY)));
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(HalfArrays.fromBf16Bits(HalfArrays.toBf16Bits(-0.0f))));
        // The largest float rounds past bf16's largest finite value: infinity.
        assertEquals(Float.POSITIVE_INFINITY, HalfArrays.fromBf16Bits(HalfArrays.toBf16Bits(Float.MAX_VALUE)));
        // Subnormals keep their upper bits.
        float sub = Float.intBitsToFloat(0x00010000);
        assertEquals(sub, HalfArrays.fromBf16Bits(HalfArrays.toBf16Bits(sub)));
    }
}
