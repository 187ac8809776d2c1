package io.ann4j.spark.ml;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.types.StructField;
import scala.Tuple2;

/**
 * The items a model searches: their shards (cached on the executors), how many there are, their
 * dimension and the type of their ids.
 */
record ItemIndex(JavaRDD<RowSlab> shards, long count, int dim, StructField idField) {
    /**
     * Counts the shards' rows and checks their dimensions (one job).
     *
     * @throws IllegalArgumentException for no items, or shards of different dimensions
     */
    static ItemIndex describe(JavaRDD<RowSlab> shards, StructField idField) {
        List<Tuple2<Integer, Integer>> sizes = shards.map(s -> new Tuple2<>(s.rows(), s.dim())).collect();
        long count = 0;
        int dim = -1;
        for (Tuple2<Integer, Integer> s : sizes) {
            if (dim >= 0 && s._2() != dim) {
                shards.unpersist(false);
                throw new IllegalArgumentException("fit: the items' vectors have dimensions " + dim + " and " + s._2()
                        + "; every item must have one dimension");
            }
            dim = s._2();
            count += s._1();
        }
        if (count == 0) {
            shards.unpersist(false);
            throw new IllegalArgumentException("fit: the items table is empty");
        }
        return new ItemIndex(shards, count, dim, idField);
    }
}
