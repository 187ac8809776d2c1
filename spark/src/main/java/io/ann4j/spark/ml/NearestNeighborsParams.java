package io.ann4j.spark.ml;

import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The parameters {@link NearestNeighbors} and {@link NearestNeighborsModel} share, with Spark
 * ML's getters: each returns the value set, or the default.
 */
public interface NearestNeighborsParams extends Params {
    /** Neighbours per query (default 10). */
    IntParam k();

    /** {@code l2}, {@code ip} or {@code cosine} (default {@code l2}). */
    Param<String> metric();

    /** The expected share of the exact k nearest found, in (0, 1]; 1 is exact (default 0.95). */
    DoubleParam recallTarget();

    /** The embedding column: {@code array<float>}, {@code array<double>} or an ML Vector (default "features"). */
    Param<String> inputCol();

    /** The id column, on both tables (default "id"). */
    Param<String> idCol();

    /** Queries one search takes at once (default 1,024). */
    IntParam queryBlockRows();

    /** Items per shard: each search pairs one query block with one item shard (default 262,144). */
    IntParam itemShardRows();

    default int getK() {
        return (Integer) getOrDefault(k());
    }

    default String getMetric() {
        return getOrDefault(metric());
    }

    default double getRecallTarget() {
        return (Double) getOrDefault(recallTarget());
    }

    default String getInputCol() {
        return getOrDefault(inputCol());
    }

    default String getIdCol() {
        return getOrDefault(idCol());
    }

    default int getQueryBlockRows() {
        return (Integer) getOrDefault(queryBlockRows());
    }

    default int getItemShardRows() {
        return (Integer) getOrDefault(itemShardRows());
    }
}
