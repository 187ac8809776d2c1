package io.ann4j.runtime.cpu.search;

import io.ann4j.compiler.spi.HalfArrays;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Bulk conversions between the half types and f32 with the Vector API, bit for bit the scalar
 * conversions of {@link Rounding} (round to nearest even, NaN kept with its sign, infinities,
 * subnormals): the half-precision search converts database tiles and queries with them on every
 * call, so they must cost a fraction of the product. The Vector API has no f16 conversion, so f16
 * is widened with integer operations (the exponent rebias of "half to float without tables",
 * subnormals through one float subtraction, NaN made quiet as the JDK does). Every method ends with a scalar tail over
 * {@link Rounding}, so any count works on any vector width.
 */
public final class HalfConversions {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, VectorShape.forBitSize(F.vectorBitSize()));
    private static final VectorSpecies<Short> S =
            VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final int F16_EXP = 0x7c00 << 13;
    /** 2^-14, the smallest normal f16, as the f32 whose bits are {@code 113 << 23}. */
    private static final float F16_MAGIC = Float.intBitsToFloat(113 << 23);

    private HalfConversions() {}

    /**
     * Widens {@code count} half elements (bf16 when {@code bf16}, else IEEE f16) starting at element
     * {@code from} of {@code src} into {@code dst[to..]} as f32 (exact: every half value is an f32).
     */
    public static void widen(MemorySegment src, long from, boolean bf16, float[] dst, int to, int count) {
        if (!bf16) {
            widenF16(src, from, dst, to, count);
            return;
        }
        int lanes = F.length();
        int i = 0;
        for (; i + lanes <= count; i += lanes) {
            widen(src, (from + i) * 2, bf16).intoArray(dst, to + i);
        }
        for (; i < count; i++) {
            short h = src.getAtIndex(ValueLayout.JAVA_SHORT, from + i);
            dst[to + i] = bf16 ? HalfArrays.fromBf16Bits(h) : Float.float16ToFloat(h);
        }
    }

    /**
     * As {@link #widen(MemorySegment, long, boolean, float[], int, int)}, into a segment of f32
     * elements starting at element {@code to}.
     */
    public static void widen(MemorySegment src, long from, boolean bf16, MemorySegment dst, long to, int count) {
        if (!bf16) {
            for (int i = 0; i < count; i++) {
                dst.setAtIndex(ValueLayout.JAVA_FLOAT, to + i, Float.float16ToFloat(src.getAtIndex(ValueLayout.JAVA_SHORT, from + i)));
            }
            return;
        }
        int lanes = F.length();
        int i = 0;
        for (; i + lanes <= count; i += lanes) {
            widen(src, (from + i) * 2, bf16).intoMemorySegment(dst, (to + i) * 4, ORDER);
        }
        for (; i < count; i++) {
            short h = src.getAtIndex(ValueLayout.JAVA_SHORT, from + i);
            dst.setAtIndex(ValueLayout.JAVA_FLOAT, to + i, bf16 ? HalfArrays.fromBf16Bits(h) : Float.float16ToFloat(h));
        }
    }

    /**
     * f16 elements widened to f32 (exact). A plain loop on purpose: C2 compiles
     * {@link Float#float16ToFloat} over it to the CPU's f16 conversion instruction, 16 elements at a
     * time (measured here: 0.064 ns per element, against 0.17 for the Vector API's bit arithmetic
     * in {@link #widen(MemorySegment, long, boolean)}, which has no f16 conversion). bf16 is the
     * other way round (a shift: the Vector API 0.093, the loop 0.37).
     */
    static void widenF16(MemorySegment src, long from, float[] dst, int to, int count) {
        for (int i = 0; i < count; i++) {
            dst[to + i] = Float.float16ToFloat(src.getAtIndex(ValueLayout.JAVA_SHORT, from + i));
        }
    }

    /**
     * f16 elements rounded to bf16 (through f32, which holds every f16 exactly: one rounding):
     * widened by the f16 instruction a chunk at a time ({@link #widenF16}), then narrowed by the
     * Vector API (0.28 -> ~0.17 ns per element against both steps in the Vector API).
     */
    public static void f16ToBf16(MemorySegment src, long from, MemorySegment dst, long to, int count) {
        int lanes = F.length();
        float[] chunk = new float[F16_CHUNK];
        for (int c0 = 0; c0 < count; c0 += F16_CHUNK) {
            int n = Math.min(F16_CHUNK, count - c0);
            widenF16(src, from + c0, chunk, 0, n);
            int i = 0;
            for (; i + lanes <= n; i += lanes) {
                narrowToBf16(FloatVector.fromArray(F, chunk, i)).intoMemorySegment(dst, (to + c0 + i) * 2, ORDER);
            }
            for (; i < n; i++) {
                dst.setAtIndex(ValueLayout.JAVA_SHORT, to + c0 + i, HalfArrays.toBf16Bits(chunk[i]));
            }
        }
    }

    /** Elements per step of {@link #f16ToBf16}: 4 KB of f32, in L1 between its two loops. */
    private static final int F16_CHUNK = 1024;

    /**
     * f32 values rounded to bf16 (nearest even), written as raw 16-bit elements from {@code to}.
     * Scalar on purpose: it runs once per search on the queries (128 K values at Q = 1024), where
     * Vector API code costs far more before the JIT compiles it than it ever saves after (measured
     * here: the first searches over a bf16 database spent 108, 24, 28, 24 and 9 ms in it, against
     * 0.7 ms compiled; scalar, a few ms once, then ~0.2).
     */
    public static void floatsToBf16(float[] src, int from, MemorySegment dst, long to, int count) {
        for (int i = 0; i < count; i++) {
            dst.setAtIndex(ValueLayout.JAVA_SHORT, to + i, HalfArrays.toBf16Bits(src[from + i]));
        }
    }

    /** {@code F.length()} half elements at {@code byteOffset}, widened. */
    static FloatVector widen(MemorySegment src, long byteOffset, boolean bf16) {
        IntVector h = (IntVector) ShortVector.fromMemorySegment(S, src, byteOffset, ORDER)
                .convertShape(VectorOperators.S2I, I, 0);
        if (bf16) {
            return h.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
        }
        // f16: exponent and mantissa moved to f32 positions, the exponent rebiased by 127 - 15;
        // infinities and NaN (exponent all ones) rebiased again to f32's all ones; zero and
        // subnormals get the smallest normal exponent and that normal's value subtracted, which is
        // exact. The sign goes back last.
        IntVector o = h.and(0x7fff).lanewise(VectorOperators.LSHL, 13);
        IntVector exp = o.and(F16_EXP);
        o = o.add((127 - 15) << 23);
        o = o.add((128 - 16) << 23, exp.compare(VectorOperators.EQ, F16_EXP));
        VectorMask<Integer> small = exp.compare(VectorOperators.EQ, 0);
        FloatVector f = o.add(1 << 23, small).reinterpretAsFloats();
        f = f.sub(F16_MAGIC, small.cast(F));
        // NaN comes out quiet, as Float.float16ToFloat makes it
        IntVector bits = f.reinterpretAsInts().lanewise(VectorOperators.OR, 0x0040_0000,
                h.and(0x7fff).compare(VectorOperators.GT, 0x7c00));
        return bits.or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
    }

    /** {@link Rounding#toBf16Bits} lane by lane. */
    private static ShortVector narrowToBf16(FloatVector f) {
        IntVector bits = f.reinterpretAsInts();
        IntVector lsb = bits.lanewise(VectorOperators.LSHR, 16).and(1);
        IntVector rounded = bits.add(0x7fff).add(lsb).lanewise(VectorOperators.LSHR, 16);
        IntVector quietNaN = bits.lanewise(VectorOperators.LSHR, 16).or(0x0040);
        IntVector out = rounded.blend(quietNaN, bits.and(0x7fffffff).compare(VectorOperators.GT, 0x7f800000));
        return (ShortVector) out.convertShape(VectorOperators.I2S, S, 0);
    }
}
