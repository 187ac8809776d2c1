package io.ann4j.spark.ml;

import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;

/**
 * The parameters {@link NearestNeighbors} and {@link NearestNeighborsModel} share, made for
 * their owner (Spark ML params belong to one instance), with their docs, checks and defaults.
 */
final class KnnParams {
    final IntParam k;
    final Param<String> metric;
    final DoubleParam recallTarget;
    final Param<String> inputCol;
    final Param<String> idCol;
    final IntParam queryBlockRows;
    final IntParam itemShardRows;

    KnnParams(Params owner) {
        k = new IntParam(owner, "k", "neighbours per query (>= 1)", ParamValidators.gtEq(1));
        metric = new Param<>(owner, "metric", "ip, l2 or cosine: largest inner product, smallest Euclidean distance,"
                + " largest cosine similarity", ParamValidators.inArray(new String[] {"ip", "l2", "cosine"}));
        recallTarget = new DoubleParam(owner, "recallTarget", "the expected share of the exact k nearest found, in (0, 1];"
                + " 1 is exact", ParamValidators.inRange(0, 1, false, true));
        inputCol = new Param<>(owner, "inputCol", "the embedding column: array<float>, array<double> or an ML Vector");
        idCol = new Param<>(owner, "idCol", "the id column, on both tables; its values are returned");
        queryBlockRows = new IntParam(owner, "queryBlockRows", "queries one search takes at once (1 to 2^20)",
                ParamValidators.inRange(1, 1 << 20));
        itemShardRows = new IntParam(owner, "itemShardRows", "items per shard: each search pairs one query block with one"
                + " item shard (>= 1)", ParamValidators.gtEq(1));
    }

    /** Spark's defaults for the owner. */
    void setDefaults(Params owner) {
        owner.setDefault(k, 10);
        owner.setDefault(metric, "l2");
        owner.setDefault(recallTarget, 0.95);
        owner.setDefault(inputCol, "features");
        owner.setDefault(idCol, "id");
        owner.setDefault(queryBlockRows, 1024);
        owner.setDefault(itemShardRows, 262_144);
    }
}
