package io.ann4j.spark;

import io.ann4j.dsl.Metric;
import static io.ann4j.dsl.Ops.approxMaxK;
import static io.ann4j.dsl.Ops.dot;
import static io.ann4j.dsl.Ops.transpose;

import io.ann4j.dsl.Ann;
import io.ann4j.dsl.Jit;
import io.ann4j.dsl.JitConfig;
import io.ann4j.dsl.Jitted;
import io.ann4j.dsl.Tensor;
import io.ann4j.dsl.TopK;
import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Times a {@link DistributedIndex} search against the single-device ann4j search of the same
 * data (MIPS), with the recall of each against exact search. Not a test: run it by hand, e.g.
 *
 * <pre>{@code
 * java <ann4j and Spark JVM flags> -Xmx10g -cp ... io.ann4j.spark.SparkBench --n 1000000 --q 1024 \
 *     --d 128 --k 10 --recall 0.95 --partitions 2 --master local[2] --runs 3 --selection threshold
 * }</pre>
 */
public final class SparkBench {
    private SparkBench() {}

    public static void main(String[] args) {
        int n = intArg(args, "--n", 1_000_000);
        int q = intArg(args, "--q", 1024);
        int d = intArg(args, "--d", 128);
        int k = intArg(args, "--k", 10);
        double recall = Double.parseDouble(arg(args, "--recall", "0.95"));
        int partitions = intArg(args, "--partitions", 2);
        int runs = intArg(args, "--runs", 3);
        String master = arg(args, "--master", "local[2]");
        String[] selections = arg(args, "--selection", "threshold,bins").split(",");

        Nd4j.getRandom().setSeed(42);
        INDArray db = Nd4j.randn(DataType.FLOAT, n, d);
        INDArray qy = Nd4j.randn(DataType.FLOAT, q, d);
        long t0 = System.nanoTime();
        TopK exact = ShardProgram.exactOnOneDevice(Metric.IP, Tensor.of(qy), Tensor.of(db), k);
        System.out.printf(Locale.ROOT, "MIPS, N=%,d D=%d Q=%,d k=%d recall target %.2f; exact search %.0f ms (first call)%n",
                n, d, q, k, recall, (System.nanoTime() - t0) / 1e6);

        SparkConf conf = new SparkConf().setMaster(master).setAppName("ann4j-spark-bench")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1");
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("WARN");
            long b0 = System.nanoTime();
            try (DistributedIndex base = DistributedIndex.fromRows(sc, db, partitions)) {
                System.out.printf(Locale.ROOT, "Spark %s, %d partitions, %d blocks: building the index %.0f ms%n",
                        master, partitions, base.shards().size(), (System.nanoTime() - b0) / 1e6);
                for (String selection : selections) {
                    Jitted<TopK> single = Jit.jit((Tensor x, Tensor y) -> approxMaxK(dot(x, transpose(y)), k, recall),
                            JitConfig.defaults().option("cpu.selection", selection));
                    DistributedIndex index = base.withCompileOption("cpu.selection", selection);
                    double[] singleMs = new double[runs];
                    double[] sparkMs = new double[runs];
                    TopK s = null;
                    TopK r = null;
                    for (int i = 0; i < runs; i++) {
                        long a = System.nanoTime();
                        s = single.call(qy, db);
                        long b = System.nanoTime();
                        r = index.search(qy, k, recall, Metric.IP);
                        long c = System.nanoTime();
                        singleMs[i] = (b - a) / 1e6;
                        sparkMs[i] = (c - b) / 1e6;
                    }
                    double singleMed = median(singleMs);
                    double sparkMed = median(sparkMs);
                    System.out.printf(Locale.ROOT, "selection=%s (median of runs 2..%d; first: single %.0f ms, spark %.0f ms)%n"
                                    + "  single device: %8.1f ms   recall %.4f%n"
                                    + "  Spark:         %8.1f ms   recall %.4f   (%.2fx the single-device time)%n",
                            selection, runs, singleMs[0], sparkMs[0], singleMed,
                            Ann.recall(s.indicesArray(), exact.indicesArray()), sparkMed,
                            Ann.recall(r.indicesArray(), exact.indicesArray()), sparkMed / singleMed);
                }
            }
        }
    }

    private static double median(double[] ms) {
        double[] rest = ms.length > 1 ? Arrays.copyOfRange(ms, 1, ms.length) : ms.clone();
        Arrays.sort(rest);
        return rest[rest.length / 2];
    }

    private static String arg(String[] args, String name, String fallback) {
        String[] tokens = String.join(" ", args).trim().split("[\\s=]+");
        for (int i = 0; i + 1 < tokens.length; i++) {
            if (tokens[i].equals(name)) {
                return tokens[i + 1];
            }
        }
        return fallback;
    }

    private static int intArg(String[] args, String name, int fallback) {
        return Integer.parseInt(arg(args, name, Integer.toString(fallback)).replace("_", "").replace(",", ""));
    }
}
