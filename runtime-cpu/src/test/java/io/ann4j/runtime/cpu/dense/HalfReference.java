package io.ann4j.runtime.cpu.dense;

/**
 * bf16 and IEEE 754 binary16 written from their definitions, independent of the code under test:
 * a value is (-1)^sign x 2^(e - bias) x 1.mantissa (normal) or 2^(1 - bias) x 0.mantissa
 * (subnormal, e = 0); all-ones exponents are infinities (mantissa 0) and NaN. Rounding an f32
 * picks the nearer of the two representable neighbours of its magnitude, the one with an even
 * mantissa on a tie; beyond the largest finite value the next "neighbour" is 2^(emax + 1), which
 * stands for infinity (so the midpoint rounds to infinity, as IEEE says).
 */
public final class HalfReference {
    private final int exponentBits;
    private final int mantissaBits;

    public static final HalfReference BF16 = new HalfReference(8, 7);
    public static final HalfReference F16 = new HalfReference(5, 10);

    private HalfReference(int exponentBits, int mantissaBits) {
        this.exponentBits = exponentBits;
        this.mantissaBits = mantissaBits;
    }

    private int bias() {
        return (1 << (exponentBits - 1)) - 1;
    }

    private int infinityBits() {
        return ((1 << exponentBits) - 1) << mantissaBits;
    }

    /** The value of a bit pattern, as a double (exact for both types). */
    public double value(int bits) {
        int sign = (bits >> (exponentBits + mantissaBits)) & 1;
        int e = (bits >> mantissaBits) & ((1 << exponentBits) - 1);
        int m = bits & ((1 << mantissaBits) - 1);
        double magnitude;
        if (e == (1 << exponentBits) - 1) {
            magnitude = m == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        } else if (e == 0) {
            magnitude = Math.scalb((double) m, 1 - bias() - mantissaBits);
        } else {
            magnitude = Math.scalb((double) ((1 << mantissaBits) | m), e - bias() - mantissaBits);
        }
        return sign == 1 ? -magnitude : magnitude;
    }

    /** The magnitude used for rounding: the infinity pattern counts as 2^(emax + 1). */
    private double rungValue(int bits) {
        return bits == infinityBits() ? Math.scalb(1.0, bias() + 1) : value(bits);
    }

    /** The bits of {@code x} rounded to nearest, ties to even (NaN: any NaN of the same sign). */
    public int round(float x) {
        int signBit = (Float.floatToRawIntBits(x) >>> 31) << (exponentBits + mantissaBits);
        if (Float.isNaN(x)) {
            return signBit | infinityBits() | (1 << (mantissaBits - 1));
        }
        double a = Math.abs((double) x);
        // the largest pattern whose magnitude is <= a (magnitudes grow with the bits)
        int lo = 0;
        int hi = infinityBits();
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (rungValue(mid) <= a) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        if (lo == infinityBits() || rungValue(lo) == a) {
            return signBit | lo;
        }
        double below = a - rungValue(lo);
        double above = rungValue(lo + 1) - a;
        int pick = below < above ? lo : above < below ? lo + 1 : ((lo & 1) == 0 ? lo : lo + 1);
        return signBit | pick;
    }

    public boolean isNaN(int bits) {
        return (bits & infinityBits()) == infinityBits() && (bits & ((1 << mantissaBits) - 1)) != 0;
    }
}
