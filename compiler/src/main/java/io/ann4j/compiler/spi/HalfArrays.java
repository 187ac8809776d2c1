package io.ann4j.compiler.spi;

import io.ann4j.compiler.ir.Bf16;
import io.ann4j.compiler.ir.DType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Conversions of ND4J arrays to and from the half types with the rounding JAX uses (to nearest,
 * ties to even; NaN's sign kept): bf16 through {@link Bf16}, f16 through the JDK's IEEE
 * conversions. Support code that names no backend: the CPU backend and the TPU emulator both use it.
 */
public final class HalfArrays {
    private HalfArrays() {}

    /** f32 bits rounded to bf16 (the upper 16 bits), ties to even ({@link Bf16#fromFloat}). */
    public static short toBf16Bits(float f) {
        return Bf16.fromFloat(f);
    }

    /** bf16 bits widened to f32 ({@link Bf16#toFloat}). */
    public static float fromBf16Bits(short h) {
        return Bf16.toFloat(h);
    }

    /**
     * A half-precision array (HALF or BFLOAT16) widened to f32 bit by bit: ND4J's own cast turns
     * every NaN into +NaN, which would lose the sign that the total order needs.
     */
    public static INDArray halfToFloat(INDArray half) {
        INDArray dense = NativeViews.dense(half);
        java.lang.foreign.MemorySegment seg = NativeViews.segment(dense);
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
        java.lang.foreign.MemorySegment seg = NativeViews.segment(out);
        for (int i = 0; i < v.length; i++) {
            seg.setAtIndex(java.lang.foreign.ValueLayout.JAVA_SHORT, i,
                    half == DType.BF16 ? toBf16Bits(v[i]) : Float.floatToFloat16(v[i]));
        }
        return out;
    }
}
