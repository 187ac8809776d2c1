package io.ann4j.spark;

import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The join bench's data: Gaussian tables made on the executors, and the same rows on the driver. */
final class KnnBenchData {
    private KnnBenchData() {}

    /**
     * id (long) and features (an ML Vector, which MLlib's LSH needs; ann4j reads it too), made on
     * the executors: row {@code id} is {@link #gaussianRow}{@code (seed, id)}.
     */
    static Dataset<Row> table(SparkSession spark, long seed, long n, int d, int partitions) {
        StructType schema = new StructType().add("id", DataTypes.LongType, false).add("features", new VectorUDT(), false);
        JavaRDD<Row> rows = spark.range(0, n, 1, partitions).javaRDD().map(id -> {
            float[] v = gaussianRow(seed, id, d);
            double[] w = new double[d];
            for (int j = 0; j < d; j++) {
                w[j] = v[j];
            }
            return RowFactory.create(id, Vectors.dense(w));
        });
        return spark.createDataFrame(rows, schema);
    }

    /** The same rows on the driver, for the ground truth. */
    static float[][] gaussian(long seed, int n, int d) {
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            out[i] = gaussianRow(seed, i, d);
        }
        return out;
    }

    /** Row {@code id} of table {@code seed}: standard normal floats, the same wherever it is made. */
    static float[] gaussianRow(long seed, long id, int d) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + id);
        float[] v = new float[d];
        for (int j = 0; j < d; j++) {
            v[j] = (float) random.nextGaussian();
        }
        return v;
    }
}
