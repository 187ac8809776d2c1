package io.ann4j.spark;

import io.ann4j.compiler.ir.DType;
import java.io.Serializable;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A block of consecutive database rows: the unit a {@link DistributedIndex} stores in its Spark
 * partitions. Row {@code i} of the block is database row {@code offset + i}, and the search
 * reports that global index.
 *
 * <pre>{@code
 * RowBlock b = new RowBlock(1000, 2, 3, new float[] {1, 0, 0,  0, 1, 0});   // rows 1000 and 1001
 * RowBlock h = RowBlock.ofHalf(0, 1, 2, DType.BF16, new short[] {0x3f80, 0x4000}); // bf16 row (1, 2)
 * }</pre>
 * A block stores its rows in f32 ({@code data}) or, for half-precision databases, as the raw
 * 16-bit elements of bf16 or f16 ({@code halfData}: half the memory and half the bytes a search
 * reads; the search multiplies them on the CPU's bf16 instructions where it has them).
 *
 * @param offset   global index of the block's first row ({@code >= 0})
 * @param rows     number of rows ({@code >= 0}; an empty block holds no data and is skipped)
 * @param dim      row length, the embedding dimension ({@code >= 1})
 * @param data     f32 blocks: the rows, row-major, {@code rows * dim} floats (not copied: do not
 *                 modify it); null for half blocks
 * @param dtype    the storage type: F32, BF16 or F16
 * @param halfData half blocks: the rows' raw bf16 or f16 bits, row-major; null for f32 blocks
 */
public record RowBlock(long offset, int rows, int dim, float[] data, DType dtype, short[] halfData)
        implements Serializable {

    /** An f32 block. */
    public RowBlock(long offset, int rows, int dim, float[] data) {
        this(offset, rows, dim, data, DType.F32, null);
    }

    /** A half-precision block: {@code bits} are {@code rows * dim} raw bf16 or f16 elements. */
    public static RowBlock ofHalf(long offset, int rows, int dim, DType dtype, short[] bits) {
        if (dtype == null || !dtype.isHalf()) {
            throw new IllegalArgumentException("RowBlock.ofHalf: dtype must be BF16 or F16, got " + dtype);
        }
        return new RowBlock(offset, rows, dim, null, dtype, bits);
    }

    public RowBlock {
        if (dtype == null) {
            throw new IllegalArgumentException("RowBlock: dtype must be F32, BF16 or F16, got null");
        }
        if (dtype.isHalf()) {
            if (halfData == null || halfData.length != (long) rows * dim || data != null) {
                throw new IllegalArgumentException("RowBlock: a " + dtype.shortName() + " block must hold rows * dim = "
                        + rows + " * " + dim + " = " + ((long) rows * dim) + " half elements (and no floats), got "
                        + (halfData == null ? "null" : halfData.length));
            }
            data = null;
        } else if (dtype != DType.F32 || halfData != null) {
            throw new IllegalArgumentException("RowBlock: dtype must be F32, BF16 or F16 (half data only with a half "
                    + "dtype), got " + dtype);
        }
        if (offset < 0) {
            throw new IllegalArgumentException("RowBlock: offset must be >= 0, got " + offset);
        }
        if (rows < 0 || dim < 1) {
            throw new IllegalArgumentException("RowBlock: need rows >= 0 and dim >= 1, got rows=" + rows + ", dim=" + dim);
        }
        if (!dtype.isHalf() && (data == null || data.length != (long) rows * dim)) {
            throw new IllegalArgumentException("RowBlock: data must hold rows * dim = " + rows + " * " + dim + " = "
                    + ((long) rows * dim) + " floats, got " + (data == null ? "null" : data.length));
        }
    }

    /** The global index one past the block's last row. */
    public long end() {
        return offset + rows;
    }

    /** The rows as an ND4J array {@code [rows, dim]}: FLOAT, or BFLOAT16 / HALF holding the stored bits. */
    // HALF is ND4J's only name for IEEE f16; the reinterpreted segment is ND4J's own buffer of the new array
    @SuppressWarnings({"deprecation", "restricted"})
    public INDArray array() {
        if (!dtype.isHalf()) {
            return Nd4j.create(data, new long[] {rows, dim}, 'c');
        }
        INDArray a = Nd4j.create(io.ann4j.compiler.spi.StorageTypes.storageType(dtype), new long[] {rows, dim}, 'c');
        java.lang.foreign.MemorySegment.copy(halfData, 0, java.lang.foreign.MemorySegment.ofAddress(a.data().address())
                .reinterpret(2L * halfData.length), java.lang.foreign.ValueLayout.JAVA_SHORT, 0, halfData.length);
        return a;
    }

    /** Element-wise equality (a record compares arrays by reference). */
    @Override
    public boolean equals(Object o) {
        return o instanceof RowBlock b && b.offset == offset && b.rows == rows && b.dim == dim && b.dtype == dtype
                && Arrays.equals(b.data, data) && Arrays.equals(b.halfData, halfData);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Long.hashCode(offset) + rows) + dim;
    }

    @Override
    public String toString() {
        return "RowBlock[rows " + offset + ".." + end() + ", " + dtype.shortName() + "[" + rows + ", " + dim + "]]";
    }
}
