package io.ann4j.spark;

import java.io.Serializable;

/**
 * Where one {@link RowBlock} of a {@link DistributedIndex} lives, without its data: collected on
 * the driver when the index is built, used to plan searches and to name a bad shard in errors.
 *
 * @param partition the Spark partition holding the block
 * @param block     the block's position within its partition
 * @param offset    global index of its first row
 * @param rows      its number of rows
 * @param dim       its row length
 * @param dtype     its storage type (F32, BF16 or F16)
 */
public record ShardInfo(int partition, int block, long offset, int rows, int dim, io.ann4j.compiler.ir.DType dtype)
        implements Serializable {

    /** An f32 block's place. */
    public ShardInfo(int partition, int block, long offset, int rows, int dim) {
        this(partition, block, offset, rows, dim, io.ann4j.compiler.ir.DType.F32);
    }

    /** The global index one past the block's last row. */
    public long end() {
        return offset + rows;
    }

    /** E.g. {@code shard (partition 1, block 0, rows [500, 750)) f32[250, 64]} (or bf16, f16). */
    public String describe() {
        return "shard (partition " + partition + ", block " + block + ", rows [" + offset + ", " + end() + ")) " + dtype.shortName() + "["
                + rows + ", " + dim + "]";
    }
}
