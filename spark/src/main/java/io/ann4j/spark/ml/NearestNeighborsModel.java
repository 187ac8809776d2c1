package io.ann4j.spark.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.arrays_zip;

import io.ann4j.dsl.Metric;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Items indexed by {@link NearestNeighbors}, searched with both sides distributed.
 *
 * <p>The plan: the queries are cut into blocks of {@code queryBlockRows} within their partitions
 * (never collected on the driver); each task pairs one partition of query blocks with one
 * partition of item shards and runs, for every (query block, item shard) pair, ann4j's fused
 * search over the pair ({@link PairSearch}: scores and top-k in one pass, the
 * {@code [block, shard]} score matrix never materialised, the recall planned for all the items);
 * each query's candidates from every shard meet in a shuffle ({@code reduceByKey}) whose merge is
 * exact, ties going to the item numbered first. So at recall target 1 the answer is the exact
 * search's, ids and distances, however the tables are partitioned. A task holds one partition of
 * each side, so neither table needs to fit in one executor; both are cached in memory,
 * spilling to disk, for the pairs that read them again. A failed task is recomputed from its
 * inputs, which changes nothing in the answer.
 *
 * <p>Distances, smaller is better for every metric (best first): Euclidean for {@code l2},
 * {@code -q.x} for {@code ip}, {@code 1 - cos} for {@code cosine}.
 */
public final class NearestNeighborsModel extends Model<NearestNeighborsModel> implements MLWritable, NearestNeighborsParams {
    private static final long serialVersionUID = 1L;

    /** Columns of {@link #kneighbors} beside the query's id. */
    public static final String NEIGHBORS = "neighbors";
    public static final String DISTANCES = "distances";
    /** Columns of {@link #join} beside the query's id. */
    public static final String NEIGHBOR = "neighbor";
    public static final String DISTANCE = "distance";
    public static final String RANK = "rank";

    private final String uid;
    private final KnnParams p;
    private final transient ItemIndex items;

    NearestNeighborsModel(String uid, ItemIndex items) {
        this.uid = uid;
        this.p = new KnnParams(this);
        p.setDefaults(this);
        this.items = items;
    }

    @Override
    public String uid() {
        return uid;
    }

    public IntParam k() {
        return p.k;
    }

    public Param<String> metric() {
        return p.metric;
    }

    public DoubleParam recallTarget() {
        return p.recallTarget;
    }

    public Param<String> inputCol() {
        return p.inputCol;
    }

    public Param<String> idCol() {
        return p.idCol;
    }

    public IntParam queryBlockRows() {
        return p.queryBlockRows;
    }

    public IntParam itemShardRows() {
        return p.itemShardRows;
    }

    /** Searches with another {@code k} (at most the number of items). */
    public NearestNeighborsModel setK(int value) {
        set(p.k, value);
        return this;
    }

    public NearestNeighborsModel setRecallTarget(double value) {
        set(p.recallTarget, value);
        return this;
    }

    public NearestNeighborsModel setQueryBlockRows(int value) {
        set(p.queryBlockRows, value);
        return this;
    }

    /** The number of items indexed. */
    public long itemCount() {
        return items.count();
    }

    /** The items' dimension. */
    public int dimension() {
        return items.dim();
    }

    /** The number of item shards (each a task's share of the items). */
    public long itemShards() {
        return items.shards().getNumPartitions() == 0 ? 0 : items.shards().count();
    }

    // ---- searching ----

    /**
     * The {@code k} nearest items of every query: the query's id (column {@code idCol}), the
     * items' ids ({@value #NEIGHBORS}, best first) and distances ({@value #DISTANCES}).
     *
     * <p>The result is lazy: each action on it runs the search again. Run it on a deterministic
     * queries table (a recomputed partition must give its rows in the same order; a failed task's
     * retry recomputes it), or cache or checkpoint the queries first; otherwise the job stops with
     * an error rather than mixing queries up.
     *
     * @throws IllegalArgumentException for a missing or mistyped column, {@code k} above the
     *                                  number of items, or queries of another dimension than the items
     */
    public Dataset<Row> kneighbors(Dataset<?> queries) {
        StructType out = transformSchema(queries.schema());
        String id = getIdCol();
        String input = getInputCol();
        int k = getK();
        if (k > items.count()) {
            throw new IllegalArgumentException("kneighbors: k = " + k + " but the model holds " + items.count() + " items");
        }
        List<Row> first = queries.select(input).limit(1).collectAsList();
        if (!first.isEmpty()) {
            float[] v = VectorColumn.read(first.get(0), 0, "(the first)", "query");
            if (v.length != items.dim()) {
                throw new IllegalArgumentException("kneighbors: the queries have dimension " + v.length + " but the items have "
                        + items.dim() + " (column '" + input + "')");
            }
        }
        int blockRows = getQueryBlockRows();
        JavaRDD<RowSlab> blocks = queries.select(id, input).toJavaRDD().mapPartitionsWithIndex(
                (partition, rows) -> RowSlab.cut(partition, rows, blockRows, false, "query"), true);
        blocks.persist(StorageLevel.MEMORY_AND_DISK());
        PairSearch search = new PairSearch(Metric.parse(getMetric()), k, getRecallTarget(),
                items.count(), null, Map.of());
        int partitions = Math.max(1, queries.rdd().getNumPartitions());
        JavaPairRDD<Long, Candidates> merged = blocks.cartesian(items.shards())
                .flatMapToPair(pair -> {
                    JoinHooks.beforeSearch();
                    return search.search(pair._1(), pair._2()).iterator();
                })
                .reduceByKey((a, b) -> {
                    JoinHooks.beforeMerge();
                    return Candidates.merge(a, b, k);
                }, partitions);
        Metric metric = search.metric();
        JavaRDD<Row> rows = merged.map(t -> {
            Candidates c = t._2();
            float[] distances = new float[c.scores().length];
            for (int i = 0; i < distances.length; i++) {
                distances[i] = metric.distance(c.scores()[i], c.queryNormSquared());
            }
            return RowFactory.create(c.queryId(), Seqs.of(c.ids()), Seqs.ofFloats(distances, 0, distances.length));
        });
        // the blocks stay cached (memory, then disk) for the item partitions that read them again;
        // Spark's cleaner drops them once the returned Dataset is garbage on the driver
        return queries.sparkSession().createDataFrame(rows, out);
    }

    /** {@link #kneighbors}, for Spark ML pipelines. */
    @Override
    public Dataset<Row> transform(Dataset<?> queries) {
        return kneighbors(queries);
    }

    /**
     * The same neighbours as one row per (query, item): the query's id (column {@code idCol}),
     * {@value #NEIGHBOR} (the item's id), {@value #DISTANCE} and {@value #RANK} (1 = nearest).
     */
    public Dataset<Row> join(Dataset<?> queries) {
        String id = getIdCol();
        Dataset<Row> knn = kneighbors(queries);
        Dataset<Row> exploded = knn.select(col(id), posexplode(arrays_zip(col(NEIGHBORS), col(DISTANCES))));
        return exploded.select(col(id), col("col." + NEIGHBORS).as(NEIGHBOR), col("col." + DISTANCES).as(DISTANCE),
                col("pos").plus(1).as(RANK));
    }

    /** The output schema of {@link #kneighbors} for queries of {@code schema}, checked. */
    @Override
    public StructType transformSchema(StructType schema) {
        String id = getIdCol();
        VectorColumn.check("kneighbors", "queries", schema, getInputCol(), id);
        return new StructType()
                .add(VectorColumn.idField(schema, id))
                .add(NEIGHBORS, DataTypes.createArrayType(items.idField().dataType(), items.idField().nullable()), false)
                .add(DISTANCES, DataTypes.createArrayType(DataTypes.FloatType, false), false);
    }

    @Override
    public NearestNeighborsModel copy(ParamMap extra) {
        NearestNeighborsModel copy = new NearestNeighborsModel(uid, items);
        return copyValues(copy, extra).setParent(parent());
    }

    /** Releases the cached item shards; the model cannot search afterwards. */
    public void release() {
        items.shards().unpersist(false);
    }

    // ---- persistence ----

    /** Saves the params and the items (ids, vectors and their numbering) under a directory. */
    @Override
    public MLWriter write() {
        return new KnnModelIO.Writer(this, items);
    }

    /** Reads a model {@link #write()} saved. */
    public static MLReader<NearestNeighborsModel> read() {
        return new KnnModelIO.Reader();
    }

    /** {@code read().load(path)}. */
    public static NearestNeighborsModel load(String path) {
        return read().load(path);
    }

    ItemIndex items() {
        return items;
    }

    /** {@code target} with this model's params (the reader builds the model after its params). */
    NearestNeighborsModel copyValuesTo(NearestNeighborsModel target) {
        return copyValues(target, ParamMap.empty());
    }
}
