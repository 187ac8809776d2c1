package io.ann4j.compiler.spi;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.Dims;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * How the IR's types are held in ND4J arrays: support code every backend may use; it names none
 * of them.
 */
public final class StorageTypes {
    private StorageTypes() {}

    /** The ND4J type a value of {@code t} is held in while computing (half types compute in f32). */
    public static DataType computeType(DType t) {
        return switch (t) {
            case F32, F16, BF16 -> DataType.FLOAT;
            case F64 -> DataType.DOUBLE;
            case I32 -> DataType.INT;
        };
    }

    /** The ND4J type a value of {@code t} is stored in. */
    public static DataType storageType(DType t) {
        return switch (t) {
            case F32 -> DataType.FLOAT;
            case F16 -> DataType.HALF;
            case BF16 -> DataType.BFLOAT16;
            case F64 -> DataType.DOUBLE;
            case I32 -> DataType.INT;
        };
    }

    /** A shape as ND4J wants it. */
    public static long[] longs(Dims d) {
        long[] out = new long[d.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = d.get(i);
        }
        return out;
    }
}
