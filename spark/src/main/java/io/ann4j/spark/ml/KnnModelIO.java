package io.ann4j.spark.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * A {@link NearestNeighborsModel} on disk, as Spark ML lays out its models, so that pipelines
 * save and load it like theirs: {@code metadata/} (one JSON line: class, uid, Spark version,
 * params, and the items' count, dimension and id type) and {@code items/} (Parquet: id, vector
 * as {@code array<float>}, and the item's number, which breaks ties between equal distances).
 */
final class KnnModelIO {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String POSITION = "position";
    static final String VECTOR = "vector";

    private KnnModelIO() {}

    static final class Writer extends MLWriter {
        private final NearestNeighborsModel model;
        private final ItemIndex items;

        Writer(NearestNeighborsModel model, ItemIndex items) {
            this.model = model;
            this.items = items;
        }

        @Override
        public void saveImpl(String path) {
            ObjectNode meta = JSON.createObjectNode();
            meta.put("class", NearestNeighborsModel.class.getName());
            meta.put("timestamp", System.currentTimeMillis());
            meta.put("sparkVersion", sparkSession().version());
            meta.put("uid", model.uid());
            ObjectNode params = meta.putObject("paramMap");
            try {
                for (Param<?> p : model.params()) {
                    if (model.isDefined(p)) {
                        params.set(p.name(), JSON.readTree(encode(p, model.getOrDefault(p))));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            meta.putObject("defaultParamMap");
            meta.put("itemCount", items.count());
            meta.put("dimension", items.dim());
            meta.put("idType", items.idField().dataType().json());
            meta.put("idNullable", items.idField().nullable());
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(sparkSession().sparkContext());
            sc.parallelize(List.of(meta.toString()), 1).saveAsTextFile(path + "/metadata");
            JavaRDD<Row> rows = items.shards().flatMap(KnnModelIO::rowsOf);
            sparkSession().createDataFrame(rows, itemSchema(items.idField())).write().parquet(path + "/items");
        }

        @SuppressWarnings("unchecked")
        private static <T> String encode(Param<T> p, Object value) {
            return p.jsonEncode((T) value);
        }
    }

    static final class Reader extends MLReader<NearestNeighborsModel> {
        @Override
        public NearestNeighborsModel load(String path) {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(sparkSession().sparkContext());
            JsonNode meta;
            try {
                meta = JSON.readTree(sc.textFile(path + "/metadata", 1).first());
            } catch (IOException e) {
                throw new UncheckedIOException("NearestNeighborsModel.load: unreadable metadata under " + path, e);
            }
            String cls = meta.path("class").asText();
            if (!cls.equals(NearestNeighborsModel.class.getName())) {
                throw new IllegalArgumentException("NearestNeighborsModel.load: " + path + " holds a " + cls);
            }
            StructField idField = DataTypes.createStructField("id", DataType.fromJson(meta.path("idType").asText()),
                    meta.path("idNullable").asBoolean(true));
            // the params first: the shards are cut by itemShardRows
            NearestNeighborsModel params = new NearestNeighborsModel(meta.path("uid").asText(), null);
            for (Param<?> p : params.params()) {
                JsonNode v = meta.path("paramMap").get(p.name());
                if (v != null) {
                    setDecoded(params, p, v.toString());
                }
            }
            int shardRows = params.getItemShardRows();
            Dataset<Row> saved = sparkSession().read().parquet(path + "/items").sortWithinPartitions(POSITION);
            JavaRDD<RowSlab> shards = saved.select("id", VECTOR, POSITION).toJavaRDD().mapPartitionsWithIndex(
                    (partition, rows) -> RowSlab.cut(partition, rows, shardRows, true, "item"), true);
            shards.persist(StorageLevel.MEMORY_AND_DISK());
            ItemIndex items = ItemIndex.describe(shards, idField);
            if (items.count() != meta.path("itemCount").asLong() || items.dim() != meta.path("dimension").asInt()) {
                throw new IllegalStateException("NearestNeighborsModel.load: " + path + " should hold "
                        + meta.path("itemCount").asLong() + " items of dimension " + meta.path("dimension").asInt()
                        + ", found " + items.count() + " of dimension " + items.dim());
            }
            NearestNeighborsModel model = new NearestNeighborsModel(params.uid(), items);
            return params.copyValuesTo(model);
        }

        @SuppressWarnings("unchecked")
        private static <T> void setDecoded(NearestNeighborsModel m, Param<T> p, String json) {
            m.set(p, p.jsonDecode(json));
        }
    }

    /** The Parquet schema of the items. */
    static StructType itemSchema(StructField id) {
        return new StructType()
                .add("id", id.dataType(), id.nullable())
                .add(VECTOR, DataTypes.createArrayType(DataTypes.FloatType, false), false)
                .add(POSITION, DataTypes.LongType, false);
    }

    private static Iterator<Row> rowsOf(RowSlab s) {
        List<Row> out = new ArrayList<>(s.rows());
        for (int r = 0; r < s.rows(); r++) {
            out.add(RowFactory.create(s.ids()[r], Seqs.ofFloats(s.vectors(), r * s.dim(), s.dim()), s.positions()[r]));
        }
        return out.iterator();
    }
}
