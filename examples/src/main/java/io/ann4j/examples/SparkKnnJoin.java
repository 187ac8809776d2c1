package io.ann4j.examples;

import io.ann4j.spark.ml.NearestNeighbors;
import io.ann4j.spark.ml.NearestNeighborsModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Tutorial: a nearest-neighbour join of two Parquet tables with Spark ML. Two tables of
 * {@code (id, embedding: array<float>)} in, a table of {@code (id, neighbor, distance, rank)}
 * out, both sides distributed ({@link NearestNeighbors}). Without arguments it writes two small
 * sample tables first:
 *
 * <pre>{@code
 * SparkKnnJoin [--items items.parquet --queries queries.parquet] [--out neighbours.parquet]
 *              [--k 10] [--metric cosine] [--recall 0.95] [--master local[2]]
 * }</pre>
 */
public final class SparkKnnJoin {
    private SparkKnnJoin() {}

    /** What a run wrote: the output table's path and its row count. */
    public record Report(String out, long rows) {}

    public static void main(String[] args) throws Exception {
        String joined = String.join(" ", args);
        String[] a = joined.isBlank() ? new String[0] : joined.trim().split("\\s+");
        String items = MipsExample.arg(a, "--items", null);
        String queries = MipsExample.arg(a, "--queries", null);
        Path dir = Files.createTempDirectory("ann4j-knn-join");
        String out = MipsExample.arg(a, "--out", dir.resolve("neighbours.parquet").toString());
        String master = MipsExample.arg(a, "--master", "local[2]");
        try (SparkSession spark = SparkSession.builder().master(master).appName("ann4j-knn-join")
                .config("spark.ui.enabled", "false").getOrCreate()) {
            spark.sparkContext().setLogLevel("ERROR");
            if (items == null || queries == null) { // sample tables: 5,000 items and 200 queries of D=32
                items = dir.resolve("items.parquet").toString();
                queries = dir.resolve("queries.parquet").toString();
                writeSample(spark, items, 5_000, 32, 1);
                writeSample(spark, queries, 200, 32, 2);
            }
            Report r = run(spark, items, queries, out, MipsExample.intArg(a, "--k", 10), MipsExample.arg(a, "--metric", "cosine"),
                    Double.parseDouble(MipsExample.arg(a, "--recall", "0.95")));
            System.out.printf("wrote %,d neighbour rows to %s%n", r.rows(), r.out());
            spark.read().parquet(r.out()).orderBy("id", "rank").show(5);
        }
    }

    /** The join itself: read both tables, fit on the items, join the queries, write the result. */
    public static Report run(SparkSession spark, String itemsPath, String queriesPath, String outPath, int k, String metric,
                             double recallTarget) {
        // 1. The two tables, as Spark reads them: nothing is collected on the driver.
        Dataset<Row> items = spark.read().parquet(itemsPath);
        Dataset<Row> queries = spark.read().parquet(queriesPath);
        // 2. Index the items: shards cached on the executors.
        NearestNeighborsModel model = new NearestNeighbors().setK(k).setMetric(metric).setRecallTarget(recallTarget)
                .setInputCol("embedding").setIdCol("id").fit(items);
        // 3. Every query against every shard, each pair one fused ann4j search; candidates merged exactly.
        Dataset<Row> pairs = model.join(queries);
        // 4. One row per (query, neighbour): id, neighbor, distance, rank (1 = nearest).
        pairs.write().mode(SaveMode.Overwrite).parquet(outPath);
        model.release();
        return new Report(outPath, spark.read().parquet(outPath).count());
    }

    /** A table of {@code n} Gaussian embeddings of dimension {@code d} with ids 0 .. n-1. */
    public static void writeSample(SparkSession spark, String path, int n, int d, long seed) {
        Random rnd = new Random(seed);
        List<Row> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Object[] v = new Object[d];
            for (int j = 0; j < d; j++) {
                v[j] = (float) rnd.nextGaussian();
            }
            rows.add(RowFactory.create((long) i, scala.collection.immutable.ArraySeq.unsafeWrapArray(v)));
        }
        StructType schema = new StructType().add("id", DataTypes.LongType, false)
                .add("embedding", DataTypes.createArrayType(DataTypes.FloatType, false), false);
        spark.createDataFrame(rows, schema).write().mode(SaveMode.Overwrite).parquet(path);
    }
}
