package io.ann4j.runtime.cpu.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ann4j.compiler.spi.HalfArrays;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Vector API conversions bit for bit against the scalar ones ({@link Rounding}, the JDK's
 * f16 conversions, themselves checked against the formats' definitions in HalfRoundingTest): every
 * 16-bit pattern, at offsets and counts that leave scalar tails on any vector width.
 */
class HalfConversionsTest {
    private static final int ALL = 1 << 16;

    private static MemorySegment everyPattern(Arena arena) {
        MemorySegment s = arena.allocate(ALL * 2L);
        for (int h = 0; h < ALL; h++) {
            s.setAtIndex(ValueLayout.JAVA_SHORT, h, (short) h);
        }
        return s;
    }

    @Test
    void widenningEveryPatternMatchesTheScalarConversion() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = everyPattern(arena);
            for (boolean bf16 : new boolean[] {true, false}) {
                for (int offset : new int[] {0, 3}) {
                    int count = ALL - offset - 5; // a tail that no vector width divides
                    float[] out = new float[count + 1];
                    HalfConversions.widen(src, offset, bf16, out, 1, count);
                    MemorySegment outSeg = arena.allocate(count * 4L);
                    HalfConversions.widen(src, offset, bf16, outSeg, 0, count);
                    for (int i = 0; i < count; i++) {
                        short h = (short) (offset + i);
                        float expected = bf16 ? HalfArrays.fromBf16Bits(h) : Float.float16ToFloat(h);
                        String what = (bf16 ? "bf16 " : "f16 ") + Integer.toHexString(h & 0xffff);
                        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(out[i + 1]), what);
                        assertEquals(Float.floatToRawIntBits(expected),
                                Float.floatToRawIntBits(outSeg.getAtIndex(ValueLayout.JAVA_FLOAT, i)), what);
                    }
                }
            }
        }
    }

    @Test
    void f16ToBf16OfEveryPatternRoundsOnceToNearestEven() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = everyPattern(arena);
            MemorySegment dst = arena.allocate(ALL * 2L);
            HalfConversions.f16ToBf16(src, 1, dst, 0, ALL - 1);
            for (int i = 0; i < ALL - 1; i++) {
                short h = (short) (i + 1);
                assertEquals(HalfArrays.toBf16Bits(Float.float16ToFloat(h)), dst.getAtIndex(ValueLayout.JAVA_SHORT, i),
                        "f16 " + Integer.toHexString(h & 0xffff));
            }
        }
    }

    @Test
    void floatsToBf16MatchesTheScalarRoundingOnTiesSpecialsAndRandomBits() {
        Random rnd = new Random(4);
        float[] v = new float[4099];
        float[] specials = {Float.NaN, -Float.NaN, Float.intBitsToFloat(0x7f800001), Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, 0f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, 1f + 0x1p-8f, 1f + 3 * 0x1p-8f,
            Float.intBitsToFloat(0x7f7f8000), Float.intBitsToFloat(0xffff8000)};
        for (int i = 0; i < v.length; i++) {
            v[i] = i < specials.length ? specials[i]
                    : i % 3 == 0 ? Float.intBitsToFloat(rnd.nextInt())
                    : i % 3 == 1 ? Float.intBitsToFloat((rnd.nextInt() & 0xffff0000) | 0x8000) // exact ties
                    : (float) rnd.nextGaussian();
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dst = arena.allocate(v.length * 2L);
            HalfConversions.floatsToBf16(v, 2, dst, 0, v.length - 2);
            for (int i = 2; i < v.length; i++) {
                assertEquals(HalfArrays.toBf16Bits(v[i]), dst.getAtIndex(ValueLayout.JAVA_SHORT, i - 2),
                        "bf16 of " + v[i] + " (" + Integer.toHexString(Float.floatToRawIntBits(v[i])) + ")");
            }
        }
    }
}
