package io.ann4j.compiler.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** bf16 rounding against its definition: the nearest of the two bf16 values around x, ties to even. */
class Bf16Test {
    @Property(tries = 2000)
    void roundsToTheNearestBf16TiesToEven(@ForAll float x) {
        if (Float.isNaN(x)) {
            return; // NaN: see nanStaysNaNWithItsSign
        }
        float got = Bf16.toFloat(Bf16.fromFloat(x));
        int bits = Float.floatToRawIntBits(x);
        float down = Float.intBitsToFloat(bits & 0xffff0000);
        float up = Float.intBitsToFloat((bits & 0xffff0000) + 0x10000);
        double dDown = Math.abs((double) x - down);
        // past the largest finite bf16 the next value would be 2^128: beyond half-way, infinity
        double dUp = Math.abs((double) x - (Float.isInfinite(up) ? Math.copySign(Math.scalb(1.0, 128), x) : up));
        float expected;
        if (dDown < dUp) {
            expected = down;
        } else if (dUp < dDown) {
            expected = up;
        } else {
            expected = ((bits >>> 16) & 1) == 0 ? down : up; // the even one
        }
        assertEquals(expected, got, "x = " + x);
    }

    @Test
    void nanStaysNaNWithItsSignAndInfinitiesStay() {
        float negNaN = Float.intBitsToFloat(0xffc00001);
        assertTrue(Float.isNaN(Bf16.toFloat(Bf16.fromFloat(negNaN))));
        assertEquals(1, Bf16.fromFloat(negNaN) >>> 15 & 1, "the sign of NaN is kept");
        assertTrue(Float.isNaN(Bf16.toFloat(Bf16.fromFloat(Float.intBitsToFloat(0x7f800001)))), "a signalling NaN stays NaN");
        assertEquals(Float.POSITIVE_INFINITY, Bf16.toFloat(Bf16.fromFloat(Float.POSITIVE_INFINITY)));
        assertEquals(Float.NEGATIVE_INFINITY, Bf16.toFloat(Bf16.fromFloat(-Float.MAX_VALUE)), "overflow becomes infinite");
        assertEquals(1.0f, Bf16.toFloat(Bf16.fromFloat(1.00390625f)), "a tie (1 + 2^-8) goes to the even 1.0");
        assertEquals(1.015625f, Bf16.toFloat(Bf16.fromFloat(1.01171875f)), "a tie (1 + 3 * 2^-8) goes to the even 1 + 4 * 2^-8");
    }
}
