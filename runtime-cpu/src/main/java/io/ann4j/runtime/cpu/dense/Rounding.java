package io.ann4j.runtime.cpu.dense;

import io.ann4j.compiler.ir.DType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import io.ann4j.runtime.cpu.search.NativeArrays;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Conversions to the half types with the rounding JAX uses: to nearest, ties to even; NaN stays
 * NaN, infinities stay infinite, overflow becomes infinite. Written from the IEEE/bfloat16
 * definitions so that results do not depend on a native library's rounding mode.
 */
public final class Rounding {
    private Rounding() {}

    /** f32 bits rounded to bf16 (the upper 16 bits), ties to even. */
    public static short toBf16Bits(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int lsb = (bits >>> 16) & 1;
        return (short) ((bits + 0x7fff + lsb) >>> 16);
    }

    public static float fromBf16Bits(short h) {
        return Float.intBitsToFloat((h & 0xffff) << 16);
    }

    /**
     * A half-precision array (HALF or BFLOAT16) widened to f32 bit by bit: ND4J's own cast turns
     * every NaN into +NaN, which would lose the sign that the total order needs.
     */
    public static INDArray halfToFloat(INDArray half) {
        INDArray dense = NativeArrays.dense(half);
        java.lang.foreign.MemorySegment seg = NativeArrays.segment(dense);
        boolean bf16 = dense.dataType() == DataType.BFLOAT16;
        float[] out = new float[(int) dense.length()];
        for (int i = 0; i < out.length; i++) {
            short h = seg.getAtIndex(java.lang.foreign.ValueLayout.JAVA_SHORT, i);
            out[i] = bf16 ? fromBf16Bits(h) : Float.float16ToFloat(h);
        }
        java.lang.ref.Reference.reachabilityFence(dense);
        return Nd4j.create(out, dense.shape(), 'c');
    }

    /** f32 values rounded (nearest even) to a half type, stored bit by bit (signs of NaN kept). */
    public static INDArray floatToHalf(INDArray f32, DType half) {
        float[] v = f32.castTo(DataType.FLOAT).dup('c').data().asFloat();
        INDArray out = Nd4j.create(half == DType.BF16 ? DataType.BFLOAT16 : DataType.HALF, f32.shape(), 'c');
        java.lang.foreign.MemorySegment seg = NativeArrays.segment(out);
        for (int i = 0; i < v.length; i++) {
            seg.setAtIndex(java.lang.foreign.ValueLayout.JAVA_SHORT, i,
                    half == DType.BF16 ? toBf16Bits(v[i]) : Float.floatToFloat16(v[i]));
        }
        return out;
    }
}
