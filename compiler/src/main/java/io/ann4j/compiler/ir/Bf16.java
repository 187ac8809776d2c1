package io.ann4j.compiler.ir;

/**
 * bfloat16 bits, rounded as JAX rounds: to nearest, ties to even; NaN stays NaN (quiet, its sign
 * kept), infinities stay infinite, overflow becomes infinite. Written from the bfloat16
 * definition (the upper 16 bits of an f32) so that results do not depend on a native library's
 * rounding mode. Shared by every backend and the StableHLO emitter: it names none of them.
 */
public final class Bf16 {
    private Bf16() {}

    /** f32 rounded to bf16 bits, ties to even. */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int lsb = (bits >>> 16) & 1;
        return (short) ((bits + 0x7fff + lsb) >>> 16);
    }

    /** bf16 bits widened to f32 (exact). */
    public static float toFloat(short h) {
        return Float.intBitsToFloat((h & 0xffff) << 16);
    }
}
