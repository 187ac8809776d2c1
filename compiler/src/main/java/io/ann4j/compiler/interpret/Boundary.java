package io.ann4j.compiler.interpret;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.spi.HalfArrays;
import io.ann4j.compiler.spi.StorageTypes;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Between the SPI's ND4J arrays and the interpreter's {@link RefArray}s. Half types cross through
 * {@link HalfArrays}, bit by bit, so every value, NaN signs included, crosses unchanged.
 */
final class Boundary {
    private Boundary() {}

    /** The elements of {@code a} (stored as {@code t} stores), row-major. */
    static RefArray read(INDArray a, DType t) {
        int[] shape = new int[a.rank()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = Math.toIntExact(a.size(i));
        }
        int n = RefArray.count(shape);
        double[] out = new double[n];
        if (n > 0) {
            switch (t) {
                case F64 -> System.arraycopy(a.dup('c').data().asDouble(), 0, out, 0, n);
                case I32 -> {
                    int[] v = a.dup('c').data().asInt();
                    for (int i = 0; i < n; i++) {
                        out[i] = v[i];
                    }
                }
                case F32, F16, BF16 -> {
                    float[] f = (t == DType.F32 ? a.dup('c') : HalfArrays.halfToFloat(a)).data().asFloat();
                    for (int i = 0; i < n; i++) {
                        out[i] = f[i];
                    }
                }
            }
        }
        return new RefArray(t, shape, out);
    }

    /** A new c-order array of {@code x}'s storage type; half types rounded to nearest even. */
    static INDArray write(RefArray x) {
        long[] shape = new long[x.rank()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = x.shape()[i];
        }
        if (x.dtype().isHalf()) {
            float[] f = new float[x.size()];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) x.data()[i];
            }
            return HalfArrays.floatToHalf(Nd4j.create(f, shape, 'c'), x.dtype());
        }
        INDArray out = Nd4j.create(StorageTypes.storageType(x.dtype()), shape, 'c');
        for (int i = 0; i < x.size(); i++) {
            out.data().put(i, x.data()[i]);
        }
        return out;
    }
}
