package io.ann4j.spark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ann4j.dsl.Jit;
import io.ann4j.dsl.Metric;
import io.ann4j.dsl.Ops;
import io.ann4j.dsl.Tensor;
import io.ann4j.dsl.TopK;
import io.ann4j.spark.SparkTestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The Spark ML nearest-neighbour join against ann4j's exact search on one device. */
class NearestNeighborsTest {
    private static final int D = 16;
    private static final SparkSession SPARK = SparkSession.builder().sparkContext(SparkTestContext.get().sc()).getOrCreate();

    @AfterEach
    void clearHooks() {
        JoinHooks.set(null, null);
    }

    /** A table of {@code n} rows: id (string "prefix-i", or long i), embedding array<float>. */
    static Dataset<Row> table(float[][] vectors, String prefix, int partitions) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < vectors.length; i++) {
            rows.add(RowFactory.create(prefix == null ? (Object) (long) i : prefix + "-" + i,
                    Seqs.ofFloats(vectors[i], 0, vectors[i].length)));
        }
        StructType schema = new StructType()
                .add("id", prefix == null ? DataTypes.LongType : DataTypes.StringType, false)
                .add("embedding", DataTypes.createArrayType(DataTypes.FloatType, false), false);
        return SPARK.createDataFrame(rows, schema).repartition(partitions);
    }

    static float[][] random(long seed, int n) {
        Random rnd = new Random(seed);
        float[][] out = new float[n][D];
        for (float[] row : out) {
            for (int d = 0; d < D; d++) {
                row[d] = (float) rnd.nextGaussian();
            }
        }
        return out;
    }

    static NearestNeighbors estimator(String metric, double recall) {
        return new NearestNeighbors().setK(10).setMetric(metric).setRecallTarget(recall).setInputCol("embedding")
                .setIdCol("id").setItemShardRows(700).setQueryBlockRows(128);
    }

    /** Per query id: neighbour ids and distances. */
    static Map<Object, Object[]> answers(Dataset<Row> knn) {
        Map<Object, Object[]> out = new HashMap<>();
        for (Row r : knn.collectAsList()) {
            out.put(r.get(0), new Object[] {r.getList(1), r.getList(2)});
        }
        return out;
    }

    /** ann4j's exact search of all the items on one device: ids ("item-i") and distances per query. */
    static Map<Object, Object[]> exact(Metric metric, float[][] items, float[][] queries, int k) {
        INDArray db = Nd4j.createFromArray(items);
        INDArray qy = Nd4j.createFromArray(queries);
        TopK top = Jit.jit((Tensor q, Tensor x) -> metric.largestIsBest() ? Ops.topK(metric.scores(q, x), k)
                : Ops.topK(Ops.neg(metric.scores(q, x)), k)).call(qy, db);
        float[][] values = top.valuesArray().toFloatMatrix();
        int[][] idx = top.indicesArray().toIntMatrix();
        Map<Object, Object[]> out = new HashMap<>();
        for (int q = 0; q < queries.length; q++) {
            double norm = 0;
            for (float x : queries[q]) {
                norm += (double) x * x;
            }
            List<Object> ids = new ArrayList<>();
            List<Object> distances = new ArrayList<>();
            for (int j = 0; j < k; j++) {
                ids.add("item-" + idx[q][j]);
                float score = metric.largestIsBest() ? values[q][j] : -values[q][j];
                distances.add(metric.distance(score, norm));
            }
            out.put((long) q, new Object[] {ids, distances});
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"l2", "ip", "cosine"})
    void atRecallOneTheJoinIsTheExactSearchIdsAndDistances(String metricName) {
        float[][] items = random(1, 3000);
        float[][] queries = random(2, 300);
        NearestNeighborsModel model = estimator(metricName, 1.0).fit(table(items, "item", 3));
        assertEquals(3000, model.itemCount());
        assertTrue(model.itemShards() >= 5, "3 partitions of 1,000 items in shards of 700: " + model.itemShards());
        Map<Object, Object[]> got = answers(model.kneighbors(table(queries, null, 2)));
        Map<Object, Object[]> want = exact(Metric.parse(metricName), items, queries, 10);
        assertEquals(want.keySet(), got.keySet(), "one row per query");
        for (Object q : want.keySet()) {
            assertEquals(want.get(q)[0], got.get(q)[0], metricName + ": the neighbours of query " + q);
            assertEquals(want.get(q)[1], got.get(q)[1], metricName + ": the distances of query " + q);
        }
        model.release();
    }

    @Test
    void anApproximateJoinKeepsItsRecallTarget() {
        float[][] items = random(3, 20_000);
        float[][] queries = random(4, 200);
        NearestNeighborsModel model = estimator("ip", 0.9).setItemShardRows(5000).fit(table(items, "item", 2));
        Map<Object, Object[]> got = answers(model.kneighbors(table(queries, null, 2)));
        Map<Object, Object[]> want = exact(Metric.IP, items, queries, 10);
        long hits = 0;
        for (Object q : want.keySet()) {
            Set<Object> truth = new HashSet<>((List<?>) want.get(q)[0]);
            for (Object id : (List<?>) got.get(q)[0]) {
                hits += truth.contains(id) ? 1 : 0;
            }
        }
        double recall = hits / 2000.0;
        assertTrue(recall >= 0.9, "recall " + recall);
        model.release();
    }

    @Test
    void mlVectorsAndTheJoinFormGiveTheSameNeighbours() {
        float[][] items = random(5, 1500);
        float[][] queries = random(6, 50);
        NearestNeighborsModel model = estimator("cosine", 1.0).fit(table(items, "item", 2));
        Map<Object, Object[]> arrays = answers(model.kneighbors(table(queries, null, 1)));
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < queries.length; i++) {
            double[] v = new double[D];
            for (int d = 0; d < D; d++) {
                v[d] = queries[i][d];
            }
            rows.add(RowFactory.create((long) i, Vectors.dense(v)));
        }
        Dataset<Row> asVectors = SPARK.createDataFrame(rows, new StructType().add("id", DataTypes.LongType)
                .add("embedding", new VectorUDT()));
        Map<Object, Object[]> vectors = answers(model.kneighbors(asVectors));
        for (Object q : arrays.keySet()) {
            assertEquals(arrays.get(q)[0], vectors.get(q)[0], "query " + q);
        }
        List<Row> pairs = model.join(asVectors).collectAsList();
        assertEquals(50 * 10, pairs.size());
        for (Row r : pairs) {
            List<?> ids = (List<?>) arrays.get(r.get(0))[0];
            int rank = r.getInt(3);
            assertEquals(ids.get(rank - 1), r.get(1), "rank " + rank + " of query " + r.get(0));
            assertEquals(((List<?>) arrays.get(r.get(0))[1]).get(rank - 1), r.get(2));
        }
        model.release();
    }

    @Test
    void aFailedSearchOrMergeTaskChangesNothing() {
        float[][] items = random(7, 2000);
        float[][] queries = random(8, 200);
        NearestNeighborsModel model = estimator("l2", 0.95).fit(table(items, "item", 2));
        Dataset<Row> q = table(queries, null, 2);
        Map<Object, Object[]> clean = answers(model.kneighbors(q));
        Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        JoinHooks.set(ctx -> {
            if (ctx.partitionId() == 1 && attempts.computeIfAbsent("search", s -> new AtomicInteger()).getAndIncrement() == 0) {
                throw new IllegalStateException("injected failure of a search task");
            }
        }, ctx -> {
            if (attempts.computeIfAbsent("merge", s -> new AtomicInteger()).getAndIncrement() == 0) {
                throw new IllegalStateException("injected failure of a merge task");
            }
        });
        Map<Object, Object[]> retried = answers(model.kneighbors(q));
        assertTrue(attempts.get("search").get() > 1 && attempts.get("merge").get() > 1, "both failures were injected: " + attempts);
        assertEquals(clean.keySet(), retried.keySet());
        for (Object id : clean.keySet()) {
            assertArrayEquals(clean.get(id), retried.get(id), "query " + id);
        }
        model.release();
    }

    @Test
    void executorsTraceEachProgramOncePerJvm() {
        NearestNeighborsModel model = estimator("ip", 0.95).fit(table(random(9, 1400), "item", 1));
        Dataset<Row> q = table(random(10, 128), null, 1);
        model.kneighbors(q).count();
        int after = PairSearch.compiles();
        model.kneighbors(q).count();
        assertEquals(after, PairSearch.compiles(), "the same shapes again compile nothing");
        model.release();
    }

    @Test
    void theModelSavesAndLoadsAloneAndInAPipeline(@TempDir Path dir) throws java.io.IOException {
        float[][] items = random(11, 1200);
        Dataset<Row> q = table(random(12, 40), null, 1);
        NearestNeighborsModel model = estimator("l2", 1.0).setK(5).fit(table(items, "item", 2));
        Map<Object, Object[]> before = answers(model.kneighbors(q));
        String path = dir.resolve("model").toString();
        model.write().overwrite().save(path);
        NearestNeighborsModel loaded = NearestNeighborsModel.load(path);
        assertEquals(5, loaded.getK());
        assertEquals(model.uid(), loaded.uid());
        assertEquals(List.of("l2", 1.0, "embedding", "id", 128, 700), List.of(loaded.getMetric(),
                loaded.getRecallTarget(), loaded.getInputCol(), loaded.getIdCol(), loaded.getQueryBlockRows(),
                loaded.getItemShardRows()));
        Map<Object, Object[]> after = answers(loaded.kneighbors(q));
        for (Object id : before.keySet()) {
            assertArrayEquals(before.get(id), after.get(id), "query " + id);
        }
        PipelineModel pipeline = new Pipeline().setStages(new PipelineStage[] {estimator("l2", 1.0).setK(5)})
                .fit(table(items, "item", 2));
        String pipelinePath = dir.resolve("pipeline").toString();
        pipeline.write().overwrite().save(pipelinePath);
        Map<Object, Object[]> viaPipeline = answers(PipelineModel.load(pipelinePath).transform(q));
        for (Object id : before.keySet()) {
            assertArrayEquals(before.get(id), viaPipeline.get(id), "query " + id);
        }
        NearestNeighbors estimator = estimator("cosine", 0.9).setK(4);
        String estimatorPath = dir.resolve("estimator").toString();
        estimator.write().overwrite().save(estimatorPath);
        NearestNeighbors reread = NearestNeighbors.load(estimatorPath);
        assertEquals(List.of(estimator.uid(), 4, "cosine", 0.9, 700, 128), List.of(reread.uid(), reread.getK(),
                reread.getMetric(), reread.getRecallTarget(), reread.getItemShardRows(), reread.getQueryBlockRows()));
        String unfittedPath = dir.resolve("unfitted").toString();
        new Pipeline().setStages(new PipelineStage[] {estimator("l2", 1.0).setK(5)}).write().overwrite().save(unfittedPath);
        PipelineModel refit = Pipeline.load(unfittedPath).fit(table(items, "item", 2));
        Map<Object, Object[]> viaUnfitted = answers(refit.transform(q));
        for (Object id : before.keySet()) {
            assertArrayEquals(before.get(id), viaUnfitted.get(id), "query " + id);
        }
        model.release();
        loaded.release();
    }

    @Test
    void badInputFailsEarlyNamingTheColumnTheShapesAndTheValue() {
        Dataset<Row> items = table(random(13, 100), "item", 1);
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> estimator("l2", 1.0).setInputCol("vec").fit(items));
        assertTrue(missing.getMessage().contains("no column 'vec'") && missing.getMessage().contains("inputCol"), missing.getMessage());
        Dataset<Row> wrongType = items.selectExpr("id", "cast(id as string) as embedding");
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class, () -> estimator("l2", 1.0).fit(wrongType));
        assertTrue(type.getMessage().contains("array<float>, array<double> or an ML Vector")
                && type.getMessage().contains("string"), type.getMessage());
        NearestNeighborsModel model = estimator("l2", 1.0).fit(items);
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
                () -> model.setK(101).kneighbors(table(random(14, 3), null, 1)));
        assertTrue(tooMany.getMessage().contains("k = 101") && tooMany.getMessage().contains("100 items"), tooMany.getMessage());
        model.setK(10);
        float[][] wide = new float[3][D + 2];
        IllegalArgumentException dim = assertThrows(IllegalArgumentException.class,
                () -> model.kneighbors(table(wide, null, 1)));
        assertTrue(dim.getMessage().contains("dimension " + (D + 2)) && dim.getMessage().contains("have " + D), dim.getMessage());
        assertThrows(IllegalArgumentException.class, () -> estimator("hamming", 1.0));
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> estimator("l2", 1.0).fit(items.limit(0)));
        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
        model.release();
    }

    @Test
    void cosineRejectsAZeroVectorNamingIt() {
        float[][] items = random(15, 50);
        items[7] = new float[D];
        NearestNeighborsModel model = estimator("cosine", 1.0).fit(table(items, "item", 1));
        Exception e = assertThrows(Exception.class, () -> model.kneighbors(table(random(16, 4), null, 1)).collectAsList());
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof IllegalArgumentException)) {
            cause = cause.getCause();
        }
        assertTrue(cause instanceof IllegalArgumentException && cause.getMessage().contains("item item-7")
                && cause.getMessage().contains("all zeros"), String.valueOf(cause));
        model.release();
    }

    @Test
    void candidatesOfDifferentQueriesNeverMergeSilently() {
        Candidates a = new Candidates(1L, 1.0, new float[] {0.5f}, new long[] {3}, new Object[] {"x"}, true);
        Candidates b = new Candidates(2L, 1.0, new float[] {0.7f}, new long[] {4}, new Object[] {"y"}, true);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Candidates.merge(a, b, 1));
        assertTrue(e.getMessage().contains("queries 1 and 2"), e.getMessage());
        Candidates same = new Candidates(1L, 1.0, new float[] {0.7f}, new long[] {4}, new Object[] {"y"}, true);
        assertArrayEquals(new Object[] {"y", "x"}, Candidates.merge(a, same, 2).ids());
    }
}
