package io.ann4j.spark;

import io.ann4j.dsl.Metric;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ann4j.dsl.Ann;
import io.ann4j.dsl.Tensor;
import io.ann4j.dsl.TopK;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class DistributedIndexTest {
    private static final int D = 24;

    private final JavaSparkContext sc = SparkTestContext.get();

    @AfterEach
    void clearHook() {
        TaskHooks.setBeforePartition(null);
    }

    private static INDArray randn(long seed, int rows, int cols) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.FLOAT, rows, cols);
    }

    /** Blocks of the given sizes (in order, contiguous), placed partition by partition as listed. */
    private JavaRDD<RowBlock> blocks(INDArray db, int[][] sizesPerPartition) {
        List<List<RowBlock>> parts = new ArrayList<>();
        long offset = 0;
        for (int[] sizes : sizesPerPartition) {
            List<RowBlock> part = new ArrayList<>();
            for (int rows : sizes) {
                float[] data = rows == 0 ? new float[0]
                        : db.get(NDArrayIndex.interval(offset, offset + rows), NDArrayIndex.all()).dup('c').data().asFloat();
                part.add(new RowBlock(offset, rows, (int) db.size(1), data));
                offset += rows;
            }
            parts.add(part);
        }
        assertEquals(db.size(0), offset, "test setup: the blocks must cover the database");
        return sc.parallelize(parts, parts.size()).flatMap(List::iterator);
    }

    /** Identical answers: the same runs, bit for bit (a retry, a repeated search). */
    private static void assertSameResult(TopK expected, TopK actual) {
        assertArrayEquals(expected.indicesArray().dup('c').data().asInt(), actual.indicesArray().dup('c').data().asInt(),
                "indices");
        assertArrayEquals(expected.valuesArray().castTo(DataType.FLOAT).dup('c').data().asFloat(),
                actual.valuesArray().castTo(DataType.FLOAT).dup('c').data().asFloat(), "values");
    }

    /**
     * The answer of the unsharded search, bit for bit: the CPU backend recomputes the returned
     * scores in one fixed order, so a shard and the whole database score a row identically.
     */
    private static void assertSameAsUnsharded(TopK expected, TopK actual) {
        assertArrayEquals(expected.indicesArray().shape(), actual.indicesArray().shape());
        assertSameResult(expected, actual);
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void unequalAndEmptyShardsAtRecallOneEqualTheUnshardedExactSearch(Metric metric) {
        INDArray db = randn(1, 800, D);
        INDArray qy = randn(2, 33, D);
        // Partition 2 is empty, partition 0 has an empty block, sizes 37 .. 500, one shard of 1 row.
        int[][] layout = {{0, 37, 250}, {1, 500}, {}, {12}};
        try (DistributedIndex index = DistributedIndex.fromBlocks(blocks(db, layout))) {
            assertEquals(800, index.size());
            assertEquals(4, index.numPartitions());
            TopK got = index.search(qy, 10, 1.0, metric);
            assertSameAsUnsharded(ShardProgram.exactOnOneDevice(metric, Tensor.of(qy), Tensor.of(db), 10), got);
        }
    }

    @Test
    void fromRowsShardsContiguouslyAndEqualsTheExactSearch() {
        INDArray db = randn(3, 1000, D);
        INDArray qy = randn(4, 16, D);
        try (DistributedIndex index = DistributedIndex.fromRows(sc, db, 3, 128)) {
            assertEquals(3, index.numPartitions());
            // 334 rows per partition at most, in blocks of <= 128: 3 blocks in every partition.
            assertEquals(9, index.shards().size());
            for (ShardInfo s : index.shards()) {
                assertTrue(s.rows() <= 128, s.describe());
                assertTrue(s.offset() >= 1000L * s.partition() / 3 && s.end() <= 1000L * (s.partition() + 1) / 3,
                        "partition p holds rows [1000 p / 3, 1000 (p + 1) / 3): " + s.describe());
            }
            assertSameAsUnsharded(ShardProgram.exactOnOneDevice(Metric.IP, Tensor.of(qy), Tensor.of(db), 7),
                    index.search(qy, 7, 1.0, Metric.IP));
        }
    }

    @Test
    void kLargerThanEveryShardStillGivesTheGlobalTopK() {
        INDArray db = randn(5, 30, D);
        INDArray qy = randn(6, 8, D);
        try (DistributedIndex index = DistributedIndex.fromRows(sc, db, 2, 3)) {
            assertTrue(index.shards().stream().allMatch(s -> s.rows() <= 3));
            assertSameAsUnsharded(ShardProgram.exactOnOneDevice(Metric.L2, Tensor.of(qy), Tensor.of(db), 20),
                    index.search(qy, 20, 1.0, Metric.L2));
        }
    }

    @Test
    void morePartitionsThanRowsLeavesEmptyPartitions() {
        INDArray db = randn(7, 5, D);
        INDArray qy = randn(8, 4, D);
        try (DistributedIndex index = DistributedIndex.fromRows(sc, db, 8)) {
            assertEquals(8, index.numPartitions());
            assertEquals(5, index.size());
            assertSameAsUnsharded(ShardProgram.exactOnOneDevice(Metric.IP, Tensor.of(qy), Tensor.of(db), 5),
                    index.search(qy, 5, 1.0, Metric.IP));
        }
    }

    /** Attempts of each partition's search task, counted by the hook (local mode: same JVM). */
    private static final Map<Integer, AtomicInteger> ATTEMPTS = new ConcurrentHashMap<>();

    @Test
    void aFailedTaskIsRetriedAndTheAnswerIsIdentical() {
        INDArray db = randn(9, 600, D);
        INDArray qy = randn(10, 20, D);
        try (DistributedIndex index = DistributedIndex.fromRows(sc, db, 3)) {
            TopK clean = index.search(qy, 10, 0.95, Metric.COSINE);
            ATTEMPTS.clear();
            TaskHooks.setBeforePartition(ctx -> {
                ATTEMPTS.computeIfAbsent(ctx.partitionId(), p -> new AtomicInteger()).incrementAndGet();
                if (ctx.partitionId() == 1 && ctx.attemptNumber() == 0) {
                    throw new IllegalStateException("injected failure of partition 1, attempt 0");
                }
            });
            TopK retried = index.search(qy, 10, 0.95, Metric.COSINE);
            assertEquals(2, ATTEMPTS.get(1).get(), "partition 1 ran twice: failed, then retried");
            assertEquals(1, ATTEMPTS.get(0).get());
            assertSameResult(clean, retried);
        }
    }

    @Test
    void aTaskThatKeepsFailingFailsTheSearch() {
        INDArray db = randn(9, 60, D);
        try (DistributedIndex index = DistributedIndex.fromRows(sc, db, 2)) {
            TaskHooks.setBeforePartition(ctx -> {
                if (ctx.partitionId() == 0) {
                    throw new IllegalStateException("injected failure, every attempt");
                }
            });
            Exception e = assertThrows(Exception.class, () -> index.search(randn(1, 2, D), 3, 1.0, Metric.IP));
            assertTrue(String.valueOf(e.getMessage()).contains("injected failure"), e.toString());
        }
    }

    @Test
    void aShardOfAnotherDimensionIsNamedInTheError() {
        List<RowBlock> blocks = List.of(new RowBlock(0, 2, D, new float[2 * D]), new RowBlock(2, 3, 16, new float[3 * 16]));
        try (DistributedIndex index = DistributedIndex.fromBlocks(sc.parallelize(blocks, 2))) {
            var e = assertThrows(IllegalArgumentException.class, () -> index.search(randn(1, 4, D), 2, 1.0, Metric.IP));
            String m = e.getMessage();
            assertTrue(m.contains("partition 1") && m.contains("rows [2, 5)") && m.contains("f32[3, 16]")
                    && m.contains("queries are f32[4, " + D + "]"), m);
        }
    }

    @Test
    void badArgumentsAreRejectedWithTheirValues() {
        INDArray db = randn(11, 40, D);
        try (DistributedIndex index = DistributedIndex.fromRows(sc, db, 2)) {
            INDArray qy = randn(12, 3, D);
            assertTrue(assertThrows(IllegalArgumentException.class, () -> index.search(qy, 0, 1.0, Metric.IP))
                    .getMessage().contains("k must be in [1, 40]"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> index.search(qy, 41, 1.0, Metric.IP))
                    .getMessage().contains("got 41"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> index.search(qy, 5, 1.5, Metric.IP))
                    .getMessage().contains("recallTarget"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> index.search(qy, 5, 1.0, null))
                    .getMessage().contains("metric"));
            assertTrue(assertThrows(IllegalArgumentException.class,
                    () -> index.search(Nd4j.rand(DataType.FLOAT, D), 5, 1.0, Metric.IP)).getMessage().contains("[24]"));
        }
        assertThrows(IllegalArgumentException.class, () -> DistributedIndex.fromRows(sc, db, 0));
        assertThrows(IllegalArgumentException.class, () -> DistributedIndex.fromRows(sc, Nd4j.rand(DataType.FLOAT, 5), 2));
    }

    @Test
    void overlappingOrEmptyDatabasesAreRejected() {
        List<RowBlock> overlapping = List.of(new RowBlock(0, 3, 2, new float[6]), new RowBlock(2, 3, 2, new float[6]));
        var e = assertThrows(IllegalArgumentException.class,
                () -> DistributedIndex.fromBlocks(sc.parallelize(overlapping, 2)));
        assertTrue(e.getMessage().contains("overlap") && e.getMessage().contains("rows [2, 5)"), e.getMessage());
        var empty = assertThrows(IllegalArgumentException.class,
                () -> DistributedIndex.fromBlocks(sc.parallelize(List.of(new RowBlock(0, 0, 2, new float[0])), 1)));
        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
    }

    @Test
    void eachGraphIsCompiledOncePerExecutorAndTracedPerShardSize() {
        INDArray db = randn(13, 301, D);
        INDArray qy = randn(14, 5, D);
        try (DistributedIndex index = DistributedIndex.fromRows(sc, db, 2)) {
            // Shards of 150 and 151 rows: two graphs.
            TopK first = index.search(qy, 4, 0.9, Metric.L2);
            int compiled = ExecutableCache.compileCount();
            TopK second = index.search(qy, 4, 0.9, Metric.L2);
            assertEquals(compiled, ExecutableCache.compileCount(), "the second search compiled nothing");
            assertSameResult(first, second);
            index.search(qy, 4, 0.9, Metric.IP);
            assertEquals(compiled + 2, ExecutableCache.compileCount(), "a new program: one graph per shard size");
        }
    }

    @Test
    void theIndexSearchesWithTheBackendItNames() {
        INDArray db = randn(21, 500, D);
        INDArray qy = randn(22, 8, D);
        try (DistributedIndex index = DistributedIndex.fromRows(sc, db, 2)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> index.withBackend("no-such"));
            assertTrue(e.getMessage().contains("no backend named 'no-such'") && e.getMessage().contains("cpu"), e.getMessage());
            TopK exact = ShardProgram.exactOnOneDevice(Metric.IP, Tensor.of(qy), Tensor.of(db), 5);
            for (String name : io.ann4j.compiler.spi.Backends.available()) {
                DistributedIndex chosen = index.withBackend(name);
                assertEquals(name, chosen.backend());
                assertSameAsUnsharded(exact, chosen.search(qy, 5, 1.0, Metric.IP));
            }
            int compiled = ExecutableCache.compileCount();
            index.withBackend("cpu").search(qy, 5, 1.0, Metric.IP);
            assertEquals(compiled, ExecutableCache.compileCount(), "compiled once per backend and graph");
        }
    }

    @Test
    void binnedSelectionMeetsTheRecallTargetAgainstExactSearch() {
        INDArray db = randn(15, 20_000, 32);
        INDArray qy = randn(16, 64, 32);
        try (DistributedIndex index = DistributedIndex.fromRows(sc, db, 4).withCompileOption("cpu.selection", "bins")) {
            TopK approx = index.search(qy, 10, 0.95, Metric.IP);
            TopK exact = ShardProgram.exactOnOneDevice(Metric.IP, Tensor.of(qy), Tensor.of(db), 10);
            double recall = Ann.recall(approx.indicesArray(), exact.indicesArray());
            assertTrue(recall >= 0.95, "recall " + recall);
        }
    }

    @Test
    void floatMatricesAndDataFramesAreAccepted() {
        float[][] rows = new float[50][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new float[] {i, 1, -i % 7};
        }
        float[][] queries = {{1, 0, 0}, {-1, 2, 1}};
        TopK fromMatrix;
        try (DistributedIndex index = DistributedIndex.fromRows(sc, rows, 3)) {
            fromMatrix = index.search(queries, 4, 1.0, Metric.IP);
            assertArrayEquals(new int[] {49, 48, 47, 46}, fromMatrix.indicesArray().getRow(0).dup().data().asInt());
        }
        SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
        StructType schema = new StructType().add("id", DataTypes.IntegerType)
                .add("embedding", DataTypes.createArrayType(DataTypes.FloatType));
        List<Row> data = new ArrayList<>();
        for (int i = 0; i < rows.length; i++) {
            data.add(RowFactory.create(i, new float[] {rows[i][0], rows[i][1], rows[i][2]}));
        }
        Dataset<Row> df = spark.createDataFrame(data, schema);
        try (DistributedIndex index = DistributedIndex.fromDataset(df, "embedding")) {
            assertEquals(50, index.size());
            assertSameResult(fromMatrix, index.search(queries, 4, 1.0, Metric.IP));
        }
        var e = assertThrows(IllegalArgumentException.class, () -> DistributedIndex.fromDataset(df, "vector"));
        assertTrue(e.getMessage().contains("no column 'vector'"), e.getMessage());
        var t = assertThrows(IllegalArgumentException.class, () -> DistributedIndex.fromDataset(df, "id"));
        assertTrue(t.getMessage().contains("array<float>"), t.getMessage());
    }
}
