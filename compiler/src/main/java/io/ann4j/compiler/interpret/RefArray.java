package io.ann4j.compiler.interpret;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.TensorType;

/**
 * A value inside the reference interpreter: a dense row-major array of {@code shape}, every element
 * held as a double. Floating values are exactly what their dtype holds: f32 (and the half types,
 * which compute in f32 between ops, as every backend does) rounded to float after each op, i32 as
 * whole numbers. Doubles hold all of these exactly, so one representation serves every dtype.
 *
 * @param dtype the IR type the value has
 * @param shape its dimensions (empty for a scalar)
 * @param data  its elements, row-major; never modified once the array is built
 */
record RefArray(DType dtype, int[] shape, double[] data) {

    static RefArray zeros(DType dtype, int[] shape) {
        return new RefArray(dtype, shape.clone(), new double[count(shape)]);
    }

    static RefArray zeros(TensorType t) {
        return zeros(t.dtype(), t.shape().toArray());
    }

    int rank() {
        return shape.length;
    }

    int size() {
        return data.length;
    }

    /** The number of elements of {@code shape}. */
    static int count(int[] shape) {
        long n = 1;
        for (int s : shape) {
            n *= s;
        }
        return Math.toIntExact(n);
    }

    /** Row-major strides of {@code shape}, in elements. */
    static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int a = shape.length - 1; a >= 0; a--) {
            s[a] = acc;
            acc *= shape[a];
        }
        return s;
    }

    /** The product of {@code shape[from..to)}. */
    static int product(int[] shape, int from, int to) {
        int p = 1;
        for (int a = from; a < to; a++) {
            p *= shape[a];
        }
        return p;
    }

    /**
     * {@code v} as a value of {@code t} computes: rounded to f32 for f32 and the half types (which
     * compute in f32), kept for f64, wrapped to 32 bits for i32. Exact for + - * / and sqrt on f32
     * operands computed in double: double carries more than twice f32's precision, so rounding
     * twice gives the correctly rounded f32 result.
     */
    static double round(DType t, double v) {
        return switch (t) {
            case F32, F16, BF16 -> (float) v;
            case F64 -> v;
            case I32 -> (int) (long) v;
        };
    }

    /** {@code v} rounded to the storage of {@code t} (half types to 16 bits), as converts and results do. */
    static double roundToStorage(DType t, double v) {
        return switch (t) {
            case F16 -> Float.float16ToFloat(Float.floatToFloat16((float) v));
            case BF16 -> io.ann4j.compiler.ir.Bf16.toFloat(io.ann4j.compiler.ir.Bf16.fromFloat((float) v));
            default -> round(t, v);
        };
    }
}
