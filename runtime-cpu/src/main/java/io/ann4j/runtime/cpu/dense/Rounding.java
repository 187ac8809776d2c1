package io.ann4j.runtime.cpu.dense;

import io.ann4j.compiler.ir.DType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
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

    /** An array rounded to {@code half} and stored as it (ND4J's HALF or BFLOAT16). */
    public static INDArray toHalf(INDArray x, DType half) {
        INDArray f = x.castTo(DataType.FLOAT).dup('c');
        float[] v = f.data().asFloat();
        for (int i = 0; i < v.length; i++) {
            v[i] = half == DType.BF16 ? fromBf16Bits(toBf16Bits(v[i])) : Float.float16ToFloat(Float.floatToFloat16(v[i]));
        }
        // The values are now exactly representable in the half type, so ND4J's cast is exact.
        return Nd4j.create(v, f.shape(), 'c').castTo(half == DType.BF16 ? DataType.BFLOAT16 : DataType.HALF);
    }
}
