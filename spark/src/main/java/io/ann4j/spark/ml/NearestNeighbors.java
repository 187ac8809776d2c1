package io.ann4j.spark.ml;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * k nearest neighbours of every row of one table among the rows of another, both distributed,
 * with ann4j's fused approximate top-k: a Spark ML estimator. {@code fit(items)} indexes the
 * items (shards of {@code itemShardRows} rows, cached on the executors, never collected);
 * {@link NearestNeighborsModel#kneighbors} and {@link NearestNeighborsModel#join} search them.
 *
 * <pre>{@code
 * NearestNeighborsModel model = new NearestNeighbors()
 *         .setK(10).setMetric("cosine").setRecallTarget(0.95)
 *         .setInputCol("embedding").setIdCol("id")
 *         .fit(items);                                   // id, embedding: array<float|double> or Vector
 * Dataset<Row> knn = model.kneighbors(queries);          // id, neighbors: array<item id>, distances: array<float>
 * Dataset<Row> pairs = model.join(queries);              // id, neighbor, distance, rank (1 = nearest)
 * model.write().overwrite().save("hdfs:///models/knn");  // NearestNeighborsModel.load(...) reads it back
 * }</pre>
 *
 * <p>Params: {@code k} (10), {@code metric} ({@code l2}, {@code ip} or {@code cosine}),
 * {@code recallTarget} (0.95; 1 is exact), {@code inputCol} ("features"), {@code idCol} ("id",
 * on both tables), {@code queryBlockRows} (1024) and {@code itemShardRows} (262,144).
 */
public final class NearestNeighbors extends Estimator<NearestNeighborsModel>
        implements NearestNeighborsParams, DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final KnnParams p;

    public NearestNeighbors() {
        this(Identifiable.randomUID("ann4jNearestNeighbors"));
    }

    public NearestNeighbors(String uid) {
        this.uid = uid;
        this.p = new KnnParams(this);
        p.setDefaults(this);
    }

    @Override
    public String uid() {
        return uid;
    }

    // ---- params ----

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

    public NearestNeighbors setK(int value) {
        set(p.k, value);
        return this;
    }

    public NearestNeighbors setMetric(String value) {
        set(p.metric, value);
        return this;
    }

    public NearestNeighbors setRecallTarget(double value) {
        set(p.recallTarget, value);
        return this;
    }

    public NearestNeighbors setInputCol(String value) {
        set(p.inputCol, value);
        return this;
    }

    public NearestNeighbors setIdCol(String value) {
        set(p.idCol, value);
        return this;
    }

    public NearestNeighbors setQueryBlockRows(int value) {
        set(p.queryBlockRows, value);
        return this;
    }

    public NearestNeighbors setItemShardRows(int value) {
        set(p.itemShardRows, value);
        return this;
    }

    // ---- fitting ----

    /**
     * Indexes {@code items}: each row's id and vector, numbered in the table's order (ties
     * between equal distances go to the lower number), cut into shards of {@code itemShardRows}
     * per partition and cached (memory, spilling to disk). One job counts them and checks that
     * every vector has one dimension.
     *
     * @throws IllegalArgumentException for a missing or mistyped column, an empty table, or
     *                                  vectors of different dimensions (naming the rows)
     */
    @Override
    public NearestNeighborsModel fit(Dataset<?> items) {
        transformSchema(items.schema());
        String id = getIdCol();
        String input = getInputCol();
        int shardRows = getItemShardRows();
        JavaRDD<Row> numbered = items.select(id, input).toJavaRDD().zipWithIndex()
                .map(t -> RowFactory.create(t._1().get(0), t._1().get(1), t._2()));
        JavaRDD<RowSlab> shards = numbered.mapPartitionsWithIndex(
                (partition, rows) -> RowSlab.cut(partition, rows, shardRows, true, "item"), true);
        shards.persist(StorageLevel.MEMORY_AND_DISK());
        ItemIndex index = ItemIndex.describe(shards, VectorColumn.idField(items.schema(), id));
        NearestNeighborsModel model = new NearestNeighborsModel(uid, index);
        copyValues(model, ParamMap.empty());
        return model.setParent(this);
    }

    /** The items' schema, checked: the id column and a vector column. */
    @Override
    public StructType transformSchema(StructType schema) {
        VectorColumn.check("fit", "items", schema, getInputCol(), getIdCol());
        return schema;
    }

    @Override
    public NearestNeighbors copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /** Reads an estimator saved with {@code write().save(path)} (its params; an unfitted pipeline saves it so). */
    public static MLReader<NearestNeighbors> read() {
        return new DefaultParamsReader<>();
    }

    /** {@code read().load(path)}. */
    public static NearestNeighbors load(String path) {
        return read().load(path);
    }
}
