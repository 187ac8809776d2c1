package io.ann4j.examples;

import static io.ann4j.dsl.Ops.approxMaxK;
import static io.ann4j.dsl.Ops.dot;
import static io.ann4j.dsl.Ops.topK;
import static io.ann4j.dsl.Ops.transpose;

import io.ann4j.dsl.Ann;
import io.ann4j.dsl.Jit;
import io.ann4j.dsl.Jitted;
import io.ann4j.dsl.Tensor;
import io.ann4j.dsl.TopK;
import io.ann4j.spark.DistributedIndex;
import io.ann4j.dsl.Metric;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The seed's sharded search on Apache Spark: the database is split over the partitions of an
 * RDD, each partition runs the compiled ann4j program on its shard (with the recall planned for
 * the whole database), and the driver merges the partitions' top k in a tree reduction.
 *
 * <p>Options: {@code --n 200000 --q 256 --d 128 --k 10 --recall 0.95 --partitions 4
 * --master local[2] --runs 3}. The JVM needs the Vector API and Spark's {@code --add-opens}
 * flags (see {@code spark/pom.xml}).
 */
public final class SparkExample {

    /** What one run measured. */
    public record Report(int n, int q, int d, int k, int partitions, double recallTarget, double sparkMs,
                         double singleMs, double sparkRecall, double singleRecall) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT,
                    "MIPS over %,d x %d on Spark (%d partitions), %,d queries, k=%d, recall target %.2f%n"
                            + "  DistributedIndex.search:  %8.1f ms (median), recall %.4f%n"
                            + "  one process, whole db:    %8.1f ms (median), recall %.4f%n",
                    n, d, partitions, q, k, recallTarget, sparkMs, sparkRecall, singleMs, singleRecall);
        }
    }

    private SparkExample() {}

    public static void main(String[] args) {
        System.out.print(run(MipsExample.intArg(args, "--n", 200_000), MipsExample.intArg(args, "--q", 256),
                MipsExample.intArg(args, "--d", 128), MipsExample.intArg(args, "--k", 10),
                Double.parseDouble(MipsExample.arg(args, "--recall", "0.95")), MipsExample.intArg(args, "--partitions", 4),
                MipsExample.arg(args, "--master", "local[2]"), MipsExample.intArg(args, "--runs", 3)));
    }

    /** Builds a random database, searches it on Spark and on one process, and checks both against exact search. */
    public static Report run(int n, int q, int d, int k, double recallTarget, int partitions, String master, int runs) {
        // 1. Data: n embeddings and q queries (a fixed seed: reruns agree).
        Nd4j.getRandom().setSeed(11);
        INDArray db = Nd4j.randn(DataType.FLOAT, n, d);
        INDArray qy = Nd4j.randn(DataType.FLOAT, q, d);

        // 2. The yardsticks: the same search on the whole database in this process, and exact search.
        Jitted<TopK> single = Jit.jit((Tensor x, Tensor y) -> approxMaxK(dot(x, transpose(y)), k, recallTarget));
        TopK truth = Jit.jit((Tensor x, Tensor y) -> topK(dot(x, transpose(y)), k)).call(qy, db);

        // 3. A Spark context; a cluster's master URL works the same (the executors need ann4j's jars).
        SparkConf conf = new SparkConf().setMaster(master).setAppName("ann4j-spark-example")
                .set("spark.ui.enabled", "false");
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("ERROR");
            // 4. The index: the rows split into `partitions` contiguous shards, cached in the executors.
            try (DistributedIndex index = DistributedIndex.fromRows(sc, db, partitions)) {
                TopK distributed = null;
                TopK local = null;
                double[] sparkMs = new double[runs];
                double[] singleMs = new double[runs];
                for (int i = 0; i < runs; i++) {
                    long t0 = System.nanoTime();
                    // 5. The search: traced on the driver, compiled once per executor, merged by treeReduce.
                    distributed = index.search(qy, k, recallTarget, Metric.IP);
                    long t1 = System.nanoTime();
                    local = single.call(qy, db);
                    long t2 = System.nanoTime();
                    sparkMs[i] = (t1 - t0) / 1e6;
                    singleMs[i] = (t2 - t1) / 1e6;
                }
                // 6. Recall against exact search, as JAX's ann_recall defines it.
                return new Report(n, q, d, k, partitions, recallTarget, MipsExample.median(sparkMs, runs),
                        MipsExample.median(singleMs, runs), Ann.recall(distributed.indicesArray(), truth.indicesArray()),
                        Ann.recall(local.indicesArray(), truth.indicesArray()));
            }
        }
    }
}
