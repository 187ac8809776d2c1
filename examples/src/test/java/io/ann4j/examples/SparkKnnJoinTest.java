package io.ann4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkKnnJoinTest {
    @Test
    void twoParquetTablesInANeighboursTableOut(@TempDir Path dir) {
        SparkSession spark = SparkSession.builder().master("local[2]").appName("knn-join-test")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            String items = dir.resolve("items.parquet").toString();
            String queries = dir.resolve("queries.parquet").toString();
            SparkKnnJoin.writeSample(spark, items, 2_000, 16, 1);
            SparkKnnJoin.writeSample(spark, queries, 50, 16, 2);
            SparkKnnJoin.Report r = SparkKnnJoin.run(spark, items, queries, dir.resolve("out.parquet").toString(), 5, "l2", 1.0);
            assertEquals(50 * 5, r.rows());
            // at recall target 1 the neighbours are the exact ones: check against brute force
            List<Row> itemRows = spark.read().parquet(items).collectAsList();
            Map<Long, float[]> vectors = new HashMap<>();
            for (Row row : itemRows) {
                List<Float> v = row.getList(1);
                float[] f = new float[v.size()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = v.get(i);
                }
                vectors.put(row.getLong(0), f);
            }
            Map<Long, Set<Long>> got = new HashMap<>();
            for (Row row : spark.read().parquet(r.out()).collectAsList()) {
                got.computeIfAbsent(row.getLong(0), q -> new HashSet<>()).add(row.getLong(1));
                assertTrue(row.getInt(3) >= 1 && row.getInt(3) <= 5);
            }
            for (Row q : spark.read().parquet(queries).collectAsList()) {
                List<Float> qv = q.getList(1);
                List<Long> order = vectors.keySet().stream().sorted((x, y) -> Double.compare(dist(qv, vectors.get(x)),
                        dist(qv, vectors.get(y)))).limit(5).toList();
                assertEquals(new HashSet<>(order), got.get(q.getLong(0)), "query " + q.getLong(0));
            }
        } finally {
            spark.stop();
        }
    }

    private static double dist(List<Float> q, float[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            double d = q.get(i) - x[i];
            s += d * d;
        }
        return s;
    }
}
