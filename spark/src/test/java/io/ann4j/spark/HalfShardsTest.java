package io.ann4j.spark;

import io.ann4j.dsl.Metric;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ann4j.compiler.ir.DType;
import io.ann4j.dsl.Ann;
import io.ann4j.dsl.Tensor;
import io.ann4j.dsl.TopK;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A database sharded over Spark partitions in bf16 or f16: blocks stay half, searches read them so. */
@SuppressWarnings("deprecation") // DataType.HALF is ND4J's only name for IEEE f16
class HalfShardsTest {
    private static final int D = 32;

    private final JavaSparkContext sc = SparkTestContext.get();

    private static INDArray randn(long seed, int rows) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.FLOAT, rows, D);
    }

    @ParameterizedTest
    @EnumSource(value = Metric.class)
    void halfShardsAtRecallOneEqualTheExactSearchOfTheWidenedDatabase(Metric metric) {
        for (DataType half : new DataType[] {DataType.BFLOAT16, DataType.HALF}) {
            INDArray db = randn(31, 900).castTo(half);
            INDArray qy = randn(32, 17);
            try (DistributedIndex index = DistributedIndex.fromRows(sc, db, 3, 200)) {
                DType expected = half == DataType.BFLOAT16 ? DType.BF16 : DType.F16;
                assertTrue(index.shards().stream().allMatch(s -> s.dtype() == expected), index.shards().toString());
                TopK got = index.search(qy, 10, 1.0, metric);
                TopK exact = ShardProgram.exactOnOneDevice(metric, Tensor.of(qy), Tensor.of(db.castTo(DataType.FLOAT)), 10);
                assertArrayEquals(exact.indicesArray().dup('c').data().asInt(), got.indicesArray().dup('c').data().asInt(),
                        metric + " " + half + " indices");
                assertArrayEquals(exact.valuesArray().dup('c').data().asFloat(), got.valuesArray().dup('c').data().asFloat(),
                        1e-4f, metric + " " + half + " values");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Metric.class, names = {"IP", "L2"})
    void halfShardsMeetTheRecallTargetAgainstF32Search(Metric metric) {
        INDArray db = randn(33, 3000);
        INDArray qy = randn(34, 40);
        TopK exact = ShardProgram.exactOnOneDevice(metric, Tensor.of(qy), Tensor.of(db), 10);
        for (DataType half : new DataType[] {DataType.BFLOAT16, DataType.HALF}) {
            try (DistributedIndex index = DistributedIndex.fromRows(sc, db.castTo(half), 2)) {
                double recall = Ann.recall(index.search(qy, 10, 0.95, metric).indicesArray(), exact.indicesArray());
                assertTrue(recall >= 0.95, metric + " " + half + ": recall " + recall);
            }
        }
    }

    @Test
    void halfBlocksHoldTheirBitsAndRejectMismatchedData() {
        RowBlock b = RowBlock.ofHalf(5, 1, 2, DType.BF16, new short[] {0x3f80, (short) 0xc000});
        INDArray a = b.array();
        assertEquals(DataType.BFLOAT16, a.dataType());
        assertArrayEquals(new float[] {1f, -2f}, a.castTo(DataType.FLOAT).data().asFloat());
        assertEquals("RowBlock[rows 5..6, bf16[1, 2]]", b.toString());
        var e = assertThrows(IllegalArgumentException.class, () -> RowBlock.ofHalf(0, 2, 2, DType.F16, new short[3]));
        assertTrue(e.getMessage().contains("f16") && e.getMessage().contains("3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RowBlock.ofHalf(0, 1, 1, DType.F32, new short[1]));
        List<RowBlock> mixed = List.of(new RowBlock(0, 1, 2, new float[2]), RowBlock.ofHalf(1, 1, 2, DType.F16, new short[2]));
        var m = assertThrows(IllegalArgumentException.class, () -> DistributedIndex.fromBlocks(sc.parallelize(mixed, 2)));
        assertTrue(m.getMessage().contains("dtype"), m.getMessage());
    }
}
