package io.ann4j.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;

import io.ann4j.dsl.Metric;
import io.ann4j.spark.ml.NearestNeighbors;
import io.ann4j.spark.ml.NearestNeighborsModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.feature.BucketedRandomProjectionLSH;
import org.apache.spark.ml.feature.BucketedRandomProjectionLSHModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * The nearest-neighbour join side by side in one Spark session ({@code spark/bench --knn}):
 * ann4j's {@link NearestNeighbors} against MLlib's {@code BucketedRandomProjectionLSH}
 * ({@code approxSimilarityJoin} at a distance threshold, then the k nearest of each query by a
 * window), on the same Gaussian data made on the executors, each with its recall against ann4j's
 * exact search on one device, its time and the bytes it wrote to Spark's shuffle; then ann4j's
 * cosine and ip against exact search, and ann4j's join under other plans (query block and item
 * shard sizes). Then ann4j alone at a larger shape: time, peak resident memory of the process
 * (in local mode the driver and the executor), shuffle and the partitions used. Every timed row
 * follows an untimed warm-up of each metric and target.
 *
 * <pre>{@code
 * spark/bench --knn [--json results.jsonl] [--items 100000] [--queries 10000] [--d 128] [--k 10] [--lsh 4:4,1:8,...] [--lsh-batch 1000]
 *                   [--plans 1024:262144,256:262144,...]  (query block rows : item shard rows; ann4j, l2, 0.95)
 *                   [--large-items 1000000] [--large-queries 100000] [--master local[2]]
 * }</pre>
 */
public final class KnnJoinBench {
    private KnnJoinBench() {}

    public static void main(String[] args) {
        int items = intArg(args, "--items", 100_000);
        int queries = intArg(args, "--queries", 10_000);
        int d = intArg(args, "--d", 128);
        int k = intArg(args, "--k", 10);
        int largeItems = intArg(args, "--large-items", 1_000_000);
        int largeQueries = intArg(args, "--large-queries", 100_000);
        String lsh = arg(args, "--lsh", "4:4");
        String plans = arg(args, "--plans", "1024:262144,256:262144,4096:262144,1024:25000,1024:10000");
        int lshBatch = intArg(args, "--lsh-batch", 1_000);
        String master = arg(args, "--master", "local[2]");
        JsonLines.open(arg(args, "--json", null));
        SparkSession spark = SparkSession.builder().master(master).appName("ann4j-knn-bench")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "4").getOrCreate();
        spark.sparkContext().setLogLevel("ERROR");
        ShuffleMeter shuffle = ShuffleMeter.register(spark);
        MemoryPeaks memory = MemoryPeaks.start();
        System.out.printf(Locale.ROOT, "nearest-neighbour join, Spark %s %s, %s, %d cores; D=%d, k=%d%n",
                spark.version(), master, cpu(), Runtime.getRuntime().availableProcessors(), d, k);
        JsonLines.common(Map.of("cpu", cpu(), "cores", Runtime.getRuntime().availableProcessors(), "master", master,
                "spark", spark.version()));
        warmUp(spark, d, k);
        if (items > 0) {
            compare(spark, shuffle, items, queries, d, k, lsh, lshBatch, plans);
        }
        if (largeItems > 0) {
            large(spark, memory, shuffle, largeItems, largeQueries, d, k);
        }
        memory.stop();
        spark.stop();
        JsonLines.close();
    }

    /** ann4j's join and MLlib's LSH side by side at one shape (l2), then ann4j's cosine and ip, each against exact search. */
    private static void compare(SparkSession spark, ShuffleMeter shuffle, int items, int queries, int d, int k, String lsh,
                                int lshBatch, String plans) {
        float[][] itemVectors = KnnBenchData.gaussian(1, items, d);
        float[][] queryVectors = KnnBenchData.gaussian(2, queries, d);
        Dataset<Row> itemTable = KnnBenchData.table(spark, 1, items, d, 4).cache();
        Dataset<Row> queryTable = KnnBenchData.table(spark, 2, queries, d, 4).cache();
        itemTable.count();
        queryTable.count();
        long t0 = System.nanoTime();
        GroundTruth truth = GroundTruth.exact(Metric.L2, itemVectors, queryVectors, k);
        System.out.printf(Locale.ROOT, "exact search on one device (the ground truth): %.1f s%n", seconds(t0));
        System.out.printf(Locale.ROOT, "items %,d x queries %,d%n", items, queries);
        System.out.printf(Locale.ROOT, "%-62s %10s %8s %10s %12s%n", "method (l2)", "seconds", "recall", "vs ann4j",
                "shuffle MiB");
        int blocks = DEFAULT_BLOCK_ROWS;
        int shards = DEFAULT_SHARD_ROWS;
        double[] ann = measured(shuffle, () -> ann4j(itemTable, queryTable, "l2", 0.95, k, truth, blocks, shards));
        Map<String, Object> shape = Map.of("items", items, "queries", queries, "d", d, "k", k);
        row("ann4j NearestNeighbors, recall target 0.95", ann, ann, ann4jFields(shape, "l2", 0.95, blocks, shards));
        row("ann4j NearestNeighbors, recall target 1",
                measured(shuffle, () -> ann4j(itemTable, queryTable, "l2", 1.0, k, truth, blocks, shards)), ann,
                ann4jFields(shape, "l2", 1.0, blocks, shards));
        for (String config : lsh.isBlank() ? new String[0] : lsh.split(",")) {
            String[] bt = config.split(":");
            double bucket = Double.parseDouble(bt[0]);
            int tables = Integer.parseInt(bt[1]);
            double[] m = measured(shuffle, () -> lsh(itemTable, queryTable, queries, lshBatch, bucket, tables, k, truth));
            Map<String, Object> f = new java.util.LinkedHashMap<>(shape);
            f.putAll(Map.of("method", "mllib_brp_lsh", "metric", "l2", "bucket_length", bucket, "tables", tables,
                    "query_batch", lshBatch));
            row(String.format(Locale.ROOT, "MLlib BRP LSH, bucketLength %.2f, %d tables", bucket, tables), m, ann, f);
        }
        for (String metric : new String[] {"cosine", "ip"}) {
            GroundTruth t = GroundTruth.exact(Metric.parse(metric), itemVectors, queryVectors, k);
            row("ann4j NearestNeighbors " + metric + ", target 0.95",
                    measured(shuffle, () -> ann4j(itemTable, queryTable, metric, 0.95, k, t, blocks, shards)), ann,
                    ann4jFields(shape, metric, 0.95, blocks, shards));
        }
        for (String plan : plans.isBlank() ? new String[0] : plans.split(",")) {
            String[] bs = plan.split(":");
            int blockRows = Integer.parseInt(bs[0]);
            int shardRows = Integer.parseInt(bs[1]);
            long tasks = (long) Math.ceil(queries / (double) blockRows) * (long) Math.ceil(items / (double) shardRows);
            row(String.format(Locale.ROOT, "ann4j l2 0.95, blocks of %,d x shards of %,d (~%d tasks)", blockRows,
                    Math.min(shardRows, items), tasks),
                    measured(shuffle, () -> ann4j(itemTable, queryTable, "l2", 0.95, k, truth, blockRows, shardRows)), ann,
                    ann4jFields(shape, "l2", 0.95, blockRows, shardRows));
        }
        itemTable.unpersist();
        queryTable.unpersist();
    }

    /**
     * ann4j alone at the large shape: both tables made on the executors (the driver never holds
     * them), the join's time, peak resident memory, shuffle and partitions.
     */
    private static void large(SparkSession spark, MemoryPeaks memory, ShuffleMeter shuffle, int items, int queries, int d, int k) {
        Dataset<Row> big = KnnBenchData.table(spark, 3, items, d, 8).cache();
        Dataset<Row> many = KnnBenchData.table(spark, 4, queries, d, 8).cache();
        big.count();
        many.count();
        long before = memory.reset();
        shuffle.settle();
        long shuffled = shuffle.bytes();
        long t1 = System.nanoTime();
        NearestNeighborsModel model = new NearestNeighbors().setK(k).setMetric("l2").setRecallTarget(0.95)
                .setInputCol("features").setIdCol("id").fit(big);
        long rows = model.kneighbors(many).count();
        double s = seconds(t1);
        shuffle.settle();
        long shards = model.itemShards();
        int blockRows = model.getQueryBlockRows();
        long blocks = many.rdd().getNumPartitions() * (long) Math.ceil(queries / (double) many.rdd().getNumPartitions() / blockRows);
        int itemPartitions = big.rdd().getNumPartitions();
        int queryPartitions = many.rdd().getNumPartitions();
        System.out.printf(Locale.ROOT, "ann4j at items %,d x queries %,d (l2, 0.95): %.1f s, %,d result rows; %d item"
                + " shards of at most %,d rows in %d partitions x %d query partitions cut into ~%d blocks of at most %,d"
                + " rows: %d tasks running ~%d block-shard searches; shuffle %.1f MiB; %s; resident %.2f GiB before the"
                + " join (both tables cached)%n",
                items, queries, s, rows, shards, model.getItemShardRows(), itemPartitions, queryPartitions, blocks,
                blockRows, itemPartitions * queryPartitions, blocks * shards,
                (shuffle.bytes() - shuffled) / (double) (1 << 20), memory.describe(), before / GIB);
        Map<String, Object> json = new java.util.LinkedHashMap<>();
        json.putAll(Map.of("op", "knn_join_large", "method", "ann4j", "metric", "l2", "recall_target", 0.95, "items", items,
                "queries", queries, "d", d, "k", k, "seconds", s, "result_rows", rows));
        json.putAll(Map.of("item_shards", shards, "item_shard_rows", model.getItemShardRows(), "item_partitions",
                itemPartitions, "query_partitions", queryPartitions, "query_blocks", blocks, "query_block_rows", blockRows,
                "search_tasks", itemPartitions * queryPartitions, "block_shard_searches", blocks * shards,
                "shuffle_mib", (shuffle.bytes() - shuffled) / (double) (1 << 20)));
        json.putAll(memory.peaks());
        // recall on a sample of the queries, after the measurements (the driver holds the items for it)
        int sample = Math.min(queries, 1_000);
        GroundTruth truth = GroundTruth.exact(Metric.L2, KnnBenchData.gaussian(3, items, d),
                KnnBenchData.gaussian(4, sample, d), k);
        Map<Long, List<Long>> found = new HashMap<>();
        for (Row r : model.kneighbors(many.where(col("id").lt(sample))).collectAsList()) {
            found.put(r.getLong(0), r.getList(1));
        }
        double recall = truth.recall(found);
        System.out.printf(Locale.ROOT, "recall of its first %,d queries against exact search: %.4f%n", sample, recall);
        json.put("recall_sample_queries", sample);
        json.put("recall", recall);
        JsonLines.write(json);
        model.release();
        big.unpersist();
        many.unpersist();
    }

    /** One small join of each kind first, so that no timed row pays for the JVM's JIT or the kernels' first use. */
    private static void warmUp(SparkSession spark, int d, int k) {
        long t0 = System.nanoTime();
        Dataset<Row> items = KnnBenchData.table(spark, 5, 20_000, d, 2).cache();
        Dataset<Row> queries = KnnBenchData.table(spark, 6, 2_000, d, 2).cache();
        for (String metric : new String[] {"l2", "cosine", "ip"}) {
            for (double target : new double[] {0.95, 1.0}) {
                NearestNeighborsModel model = new NearestNeighbors().setK(k).setMetric(metric).setRecallTarget(target)
                        .setInputCol("features").setIdCol("id").fit(items);
                model.kneighbors(queries).count();
                model.release();
            }
        }
        items.unpersist();
        queries.unpersist();
        System.out.printf(Locale.ROOT, "warm-up (untimed below: 20,000 x 2,000 joins of each metric and target): %.1f s%n",
                seconds(t0));
    }

    /** Runs one method and appends the shuffle bytes it wrote, in MiB, to its (seconds, recall). */
    private static double[] measured(ShuffleMeter shuffle, java.util.function.Supplier<double[]> method) {
        shuffle.settle();
        long before = shuffle.bytes();
        double[] r = method.get();
        shuffle.settle();
        return new double[] {r[0], r[1], (shuffle.bytes() - before) / (double) (1 << 20)};
    }

    /** The library's defaults, which the main rows use. */
    private static final int DEFAULT_BLOCK_ROWS = new NearestNeighbors().getQueryBlockRows();
    private static final int DEFAULT_SHARD_ROWS = new NearestNeighbors().getItemShardRows();

    private static void row(String what, double[] secondsRecallShuffle, double[] ann, Map<String, Object> fields) {
        System.out.printf(Locale.ROOT, "%-62s %10.1f %8.4f %9.1fx %12.1f%n", what, secondsRecallShuffle[0],
                secondsRecallShuffle[1], secondsRecallShuffle[0] / ann[0], secondsRecallShuffle[2]);
        Map<String, Object> json = new java.util.LinkedHashMap<>();
        json.put("op", "knn_join");
        json.putAll(fields);
        json.put("seconds", secondsRecallShuffle[0]);
        json.put("recall", secondsRecallShuffle[1]);
        json.put("shuffle_mib", secondsRecallShuffle[2]);
        json.put("ratio_to_ann4j", secondsRecallShuffle[0] / ann[0]);
        JsonLines.write(json);
    }

    private static Map<String, Object> ann4jFields(Map<String, Object> shape, String metric, double target, int blockRows,
                                                   int shardRows) {
        Map<String, Object> f = new java.util.LinkedHashMap<>(shape);
        f.putAll(Map.of("method", "ann4j", "metric", metric, "recall_target", target, "query_block_rows", blockRows,
                "item_shard_rows", shardRows));
        return f;
    }

    /** ann4j's join: fit and kneighbors, timed to the last result row; seconds and recall. */
    private static double[] ann4j(Dataset<Row> items, Dataset<Row> queries, String metric, double target, int k,
                                  GroundTruth truth, int blockRows, int shardRows) {
        long t0 = System.nanoTime();
        NearestNeighborsModel model = new NearestNeighbors().setK(k).setMetric(metric).setRecallTarget(target)
                .setInputCol("features").setIdCol("id").setQueryBlockRows(blockRows).setItemShardRows(shardRows).fit(items);
        Map<Long, List<Long>> found = new HashMap<>();
        for (Row r : model.kneighbors(queries).collectAsList()) {
            found.put(r.getLong(0), r.getList(1));
        }
        double s = seconds(t0);
        model.release();
        return new double[] {s, truth.recall(found)};
    }

    /**
     * MLlib's LSH as its users run a kNN join: approxSimilarityJoin at a threshold on the
     * Euclidean distance, then the k nearest per query. The threshold is the largest true k-th
     * neighbour distance (so the threshold itself loses nothing); seconds and recall. The queries
     * are joined {@code batch} at a time, timed together: one join of all of them writes its
     * candidate pairs to the shuffle at once (120 GiB measured at 100,000 x 10,000 with 4 tables),
     * more than a machine's local disk.
     */
    private static double[] lsh(Dataset<Row> items, Dataset<Row> queries, int queryCount, int batch, double bucketLength,
                                int tables, int k, GroundTruth truth) {
        double threshold = truth.kthDistance();
        long t0 = System.nanoTime();
        BucketedRandomProjectionLSHModel model = new BucketedRandomProjectionLSH().setBucketLength(bucketLength)
                .setNumHashTables(tables).setInputCol("features").setSeed(7).fit(items);
        Map<Long, List<Long>> found = new HashMap<>();
        for (long from = 0; from < queryCount; from += batch) {
            Dataset<Row> part = queries.where(col("id").geq(from).and(col("id").lt(from + batch)));
            Dataset<Row> pairs = model.approxSimilarityJoin(part, items, threshold, "dist")
                    .select(col("datasetA.id").as("q"), col("datasetB.id").as("item"), col("dist"));
            Dataset<Row> nearest = pairs.withColumn("rank", row_number().over(Window.partitionBy("q").orderBy("dist")))
                    .where(col("rank").leq(k));
            for (Row r : nearest.collectAsList()) {
                found.computeIfAbsent(r.getLong(0), q -> new ArrayList<>()).add(r.getLong(1));
            }
            System.gc(); // lets Spark's cleaner delete this batch's shuffle files before the next batch writes its own
            if (queryCount > batch) {
                System.out.printf(Locale.ROOT, "  LSH %.2f:%d, queries %,d of %,d joined: %.1f s%n", bucketLength, tables,
                        Math.min(queryCount, from + batch), queryCount, seconds(t0));
            }
        }
        return new double[] {seconds(t0), truth.recall(found)};
    }

    /** The CPU's model name and family, from /proc/cpuinfo (spark names no backend, so not the CPU backend's). */
    private static String cpu() {
        String model = "unknown CPU";
        String family = "?";
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name") && model.equals("unknown CPU")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                } else if (line.startsWith("cpu family") && family.equals("?")) {
                    family = line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (java.io.IOException e) {
            return model;
        }
        return model + " (family " + family + ")";
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static int intArg(String[] args, String name, int fallback) {
        return Integer.parseInt(arg(args, name, Integer.toString(fallback)).replace("_", ""));
    }

    private static String arg(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    private static final double GIB = 1L << 30;
}
