package io.ann4j.runtime.cpu.dense;

import io.ann4j.compiler.spi.HalfArrays;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ann4j.compiler.ir.DType;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/**
 * f32 -> bf16 / f16 conversions against {@link HalfReference}, a reference written from the two
 * formats' definitions: round to nearest, ties to even; NaN, infinities, zeros and subnormals.
 */
class HalfRoundingTest {
    /** Any f32 bit pattern, with the interesting regions weighted up. */
    @Provide
    Arbitrary<Float> floats() {
        Arbitrary<Float> anyBits = Arbitraries.integers().map(Float::intBitsToFloat);
        // halfway points and their neighbours: a half value's bits with the first dropped bit set
        Arbitrary<Float> bf16Ties = Arbitraries.integers().between(0, 0xffff)
                .flatMap(h -> Arbitraries.of(-1, 0, 1).map(delta -> Float.intBitsToFloat((h << 16) + 0x8000 + delta)));
        // any f32 of magnitude up to ~81920 (f16's range and its overflow), and below 2^-13 (f16's subnormals)
        Arbitrary<Float> f16Range = Arbitraries.integers().between(0, 0x47a00000)
                .flatMap(bits -> Arbitraries.of(0, 0x80000000).map(sign -> Float.intBitsToFloat(bits | sign)));
        Arbitrary<Float> f16Subnormal = Arbitraries.integers().between(0, 0x39000000)
                .flatMap(bits -> Arbitraries.of(0, 0x80000000).map(sign -> Float.intBitsToFloat(bits | sign)));
        // midpoints between consecutive f16 values (exact in f32), either sign, and their neighbours
        Arbitrary<Float> f16Ties = Arbitraries.integers().between(0, 0x7bfe).flatMap(h -> Arbitraries.of(-1, 0, 1)
                .map(delta -> {
                    float mid = (Float.float16ToFloat((short) (int) h) + Float.float16ToFloat((short) (h + 1))) / 2;
                    float v = delta < 0 ? Math.nextDown(mid) : delta > 0 ? Math.nextUp(mid) : mid;
                    return (h & 1) == 0 ? v : -v;
                }));
        return Arbitraries.oneOf(anyBits, bf16Ties, f16Range, f16Subnormal, f16Ties,
                Arbitraries.of(Float.NaN, -Float.NaN, Float.intBitsToFloat(0xff800001), Float.POSITIVE_INFINITY,
                        Float.NEGATIVE_INFINITY, 0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL,
                        Float.MAX_VALUE, -Float.MAX_VALUE, 65504f, 65520f, -65520f, 65519.996f, 0x1p-24f, 0x1p-25f,
                        0x1.8p-25f, 0x1p-26f));
    }

    @Property(tries = 3000, seed = "9")
    void bf16RoundingMatchesTheDefinition(@ForAll("floats") float x) {
        assertRoundsAsDefined(HalfReference.BF16, x, HalfArrays.toBf16Bits(x), "bf16");
    }

    @Property(tries = 3000, seed = "9")
    void f16RoundingMatchesTheDefinition(@ForAll("floats") float x) {
        assertRoundsAsDefined(HalfReference.F16, x, Float.floatToFloat16(x), "f16");
    }

    /** {@code bits} against the reference's rounding of {@code x}: equal, or for NaN a NaN of the same sign. */
    private static void assertRoundsAsDefined(HalfReference reference, float x, short bits, String type) {
        int expected = reference.round(x);
        int got = bits & 0xffff;
        if (Float.isNaN(x)) {
            assertTrue(reference.isNaN(got), "NaN stays NaN");
            assertEquals(expected >>> 15, got >>> 15, "NaN keeps its sign");
        } else {
            assertEquals(Integer.toHexString(expected), Integer.toHexString(got), type + " of " + x);
        }
    }

    @Test
    void everyHalfValueWidensExactlyAndRoundTrips() {
        for (int h = 0; h <= 0xffff; h++) {
            float bf = HalfArrays.fromBf16Bits((short) h);
            float f16 = Float.float16ToFloat((short) h);
            if (HalfReference.BF16.isNaN(h)) {
                assertTrue(Float.isNaN(bf));
                assertTrue(HalfReference.BF16.isNaN(HalfArrays.toBf16Bits(bf) & 0xffff));
            } else {
                assertEquals(HalfReference.BF16.value(h), bf, 0.0, "bf16 " + Integer.toHexString(h));
                assertEquals(h, HalfArrays.toBf16Bits(bf) & 0xffff, "bf16 round trip");
            }
            if (HalfReference.F16.isNaN(h)) {
                assertTrue(Float.isNaN(f16));
            } else {
                assertEquals(HalfReference.F16.value(h), f16, 0.0, "f16 " + Integer.toHexString(h));
                assertEquals(h, Float.floatToFloat16(f16) & 0xffff, "f16 round trip");
            }
        }
    }

    @Test
    void edgeCasesOfBothFormats() {
        // ties to even: 1 + 2^-8 is halfway between bf16's 1 and 1 + 2^-7
        assertEquals(0x3f80, HalfArrays.toBf16Bits(1f + 0x1p-8f) & 0xffff);
        assertEquals(0x3f82, HalfArrays.toBf16Bits(1f + 3 * 0x1p-8f) & 0xffff);
        // overflow: bf16's largest finite is 0x7f7f; f32's largest rounds to infinity
        assertEquals(0x7f80, HalfArrays.toBf16Bits(Float.MAX_VALUE) & 0xffff);
        assertEquals(0x7f7f, HalfArrays.toBf16Bits(Float.intBitsToFloat(0x7f7f7fff)) & 0xffff);
        // f16: 65520 is halfway between 65504 and "65536" (infinity) and rounds to infinity
        assertEquals(0x7c00, Float.floatToFloat16(65520f) & 0xffff);
        assertEquals(0x7bff, Float.floatToFloat16(65519.996f) & 0xffff);
        // subnormals: f16's smallest is 2^-24; 2^-25 is halfway to zero and rounds to even (zero)
        assertEquals(0x0001, Float.floatToFloat16(0x1p-24f) & 0xffff);
        assertEquals(0x0000, Float.floatToFloat16(0x1p-25f) & 0xffff);
        assertEquals(0x0001, Float.floatToFloat16(0x1.8p-25f) & 0xffff);
        // an f32 subnormal keeps its (rounded) bits in bf16, which shares f32's exponent range
        assertEquals(0x0001, HalfArrays.toBf16Bits(Float.intBitsToFloat(0x00010000)) & 0xffff);
        assertEquals(0x8000, HalfArrays.toBf16Bits(-Float.MIN_VALUE) & 0xffff);
        assertEquals(0x8000, HalfArrays.toBf16Bits(-0f) & 0xffff);
    }

    @Test
    void arraysConvertElementByElementKeepingNaNSigns() {
        float[] v = {1f + 0x1p-8f, -Float.NaN, Float.NEGATIVE_INFINITY, 0x1p-140f, 70000f, -0f};
        var arr = Nd4j.create(v, new long[] {2, 3}, 'c');
        for (DType t : new DType[] {DType.BF16, DType.F16}) {
            float[] back = HalfArrays.halfToFloat(HalfArrays.floatToHalf(arr, t)).data().asFloat();
            for (int i = 0; i < v.length; i++) {
                HalfReference ref = t == DType.BF16 ? HalfReference.BF16 : HalfReference.F16;
                int bits = ref.round(v[i]);
                if (ref.isNaN(bits)) {
                    assertTrue(Float.isNaN(back[i]));
                    assertEquals(Float.floatToRawIntBits(v[i]) >>> 31, Float.floatToRawIntBits(back[i]) >>> 31);
                } else {
                    assertEquals(ref.value(bits), back[i], 0.0, t + " element " + i);
                    assertEquals(Math.copySign(1f, v[i]), Math.copySign(1f, back[i]), "sign of element " + i);
                }
            }
        }
    }
}
