package io.ann4j.dsl;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.TensorType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Conversions between Java arrays, ND4J arrays and IR types, with the input checks users need. */
final class NdArrays {
    private NdArrays() {}

    static TensorType typeOf(INDArray a) {
        if (a == null) {
            throw new IllegalArgumentException("array must not be null");
        }
        long[] shape = a.shape();
        int[] dims = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            dims[i] = Math.toIntExact(shape[i]);
        }
        return TensorType.of(dtypeOf(a.dataType()), dims);
    }

    static DType dtypeOf(DataType t) {
        return switch (t) {
            case FLOAT -> DType.F32;
            case DOUBLE -> DType.F64;
            case HALF -> DType.F16;
            case BFLOAT16 -> DType.BF16;
            case INT -> DType.I32;
            default -> throw new IllegalArgumentException("unsupported dtype " + t
                    + ": ann4j takes FLOAT (f32), DOUBLE (f64), HALF (f16), BFLOAT16 (bf16) and INT (i32) arrays");
        };
    }

    static INDArray fromRows(float[][] rows) {
        if (rows == null) {
            throw new IllegalArgumentException("rows must not be null");
        }
        int cols = -1;
        for (int r = 0; r < rows.length; r++) {
            if (rows[r] == null) {
                throw new IllegalArgumentException("row " + r + " of a float[" + rows.length + "][] is null");
            }
            if (cols >= 0 && rows[r].length != cols) {
                throw new IllegalArgumentException("ragged float[][]: row 0 has " + cols + " columns but row " + r
                        + " has " + rows[r].length);
            }
            cols = rows[r].length;
        }
        float[] flat = new float[rows.length * Math.max(cols, 0)];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, flat, r * cols, cols);
        }
        return Nd4j.create(flat, new long[] {rows.length, Math.max(cols, 0)}, 'c');
    }

    static INDArray fromFlat(float[] data, int... shape) {
        if (data == null || shape == null) {
            throw new IllegalArgumentException("data and shape must not be null");
        }
        long n = 1;
        long[] s = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + java.util.Arrays.toString(shape));
            }
            n *= shape[i];
            s[i] = shape[i];
        }
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + java.util.Arrays.toString(shape) + " holds " + n
                    + " elements but the array has " + data.length);
        }
        return Nd4j.create(data.clone(), s, 'c');
    }

    /** Accepts what a jitted function may be called with. */
    static INDArray toArray(Object arg, int position) {
        return switch (arg) {
            case null -> throw new IllegalArgumentException("argument " + position + " is null");
            case INDArray a -> a;
            case Tensor t -> t.array();
            case Prepared p -> p.snapshot();
            case float[][] rows -> fromRows(rows);
            case float[] flat -> fromFlat(flat, flat.length);
            default -> throw new IllegalArgumentException("argument " + position + " has unsupported type "
                    + arg.getClass().getName() + "; pass an INDArray, a Tensor, a Prepared, a float[][] or a float[]");
        };
    }
}
