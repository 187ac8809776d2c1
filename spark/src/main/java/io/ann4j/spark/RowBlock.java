package io.ann4j.spark;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A block of consecutive database rows: the unit a {@link DistributedIndex} stores in its Spark
 * partitions. Row {@code i} of the block is database row {@code offset + i}, and the search
 * reports that global index.
 *
 * <pre>{@code
 * RowBlock b = new RowBlock(1000, 2, 3, new float[] {1, 0, 0,  0, 1, 0});   // rows 1000 and 1001
 * }</pre>
 *
 * @param offset global index of the block's first row ({@code >= 0})
 * @param rows   number of rows ({@code >= 0}; an empty block holds no data and is skipped)
 * @param dim    row length, the embedding dimension ({@code >= 1})
 * @param data   the rows, row-major, {@code rows * dim} floats (not copied: do not modify it)
 */
public record RowBlock(long offset, int rows, int dim, float[] data) implements Serializable {

    public RowBlock {
        if (offset < 0) {
            throw new IllegalArgumentException("RowBlock: offset must be >= 0, got " + offset);
        }
        if (rows < 0 || dim < 1) {
            throw new IllegalArgumentException("RowBlock: need rows >= 0 and dim >= 1, got rows=" + rows + ", dim=" + dim);
        }
        if (data == null || data.length != (long) rows * dim) {
            throw new IllegalArgumentException("RowBlock: data must hold rows * dim = " + rows + " * " + dim + " = "
                    + ((long) rows * dim) + " floats, got " + (data == null ? "null" : data.length));
        }
    }

    /** The global index one past the block's last row. */
    public long end() {
        return offset + rows;
    }

    /** Element-wise equality (a record compares arrays by reference). */
    @Override
    public boolean equals(Object o) {
        return o instanceof RowBlock b && b.offset == offset && b.rows == rows && b.dim == dim
                && Arrays.equals(b.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Long.hashCode(offset) + rows) + dim;
    }

    @Override
    public String toString() {
        return "RowBlock[rows " + offset + ".." + end() + ", f32[" + rows + ", " + dim + "]]";
    }
}
