package io.ann4j.examples;

import static io.ann4j.dsl.Ops.approxMaxK;
import static io.ann4j.dsl.Ops.dot;
import static io.ann4j.dsl.Ops.topK;
import static io.ann4j.dsl.Ops.transpose;

import io.ann4j.dsl.Ann;
import io.ann4j.dsl.Jit;
import io.ann4j.dsl.JitConfig;
import io.ann4j.dsl.Jitted;
import io.ann4j.dsl.Prepared;
import io.ann4j.dsl.Tensor;
import io.ann4j.dsl.TopK;
import java.util.Arrays;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Maximum inner product search (MIPS), the seed program of JAX's {@code approx_max_k}, in ann4j.
 *
 * <p>Run it with {@code ./run-example} or {@code mvn -q -pl examples exec:exec}; arguments
 * (all optional): {@code --n 100000 --q 1024 --d 128 --k 10 --recall 0.95 --runs 5}.
 */
public final class MipsExample {

    /** What one run of the example measured. */
    public record Report(int n, int q, int d, int k, double recallTarget, double recall,
                         double approxMs, double exactMs) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT,
                    "MIPS over %,d x %d database, %,d queries, k=%d, recall target %.2f%n"
                            + "  approxMaxK (fused, ann4j, prepared database):  %8.1f ms (median)%n"
                            + "  exact topK (fused, ann4j):                       %8.1f ms (median)%n"
                            + "  recall against exact search: %.4f%n",
                    n, d, q, k, recallTarget, approxMs, exactMs, recall);
        }
    }

    private MipsExample() {}

    public static void main(String[] args) {
        int n = intArg(args, "--n", 100_000);
        int q = intArg(args, "--q", 1024);
        int d = intArg(args, "--d", 128);
        int k = intArg(args, "--k", 10);
        double recall = Double.parseDouble(arg(args, "--recall", "0.95"));
        int runs = intArg(args, "--runs", 10); // a fresh path takes ~7 calls to reach its steady time
        System.out.print(run(n, q, d, k, recall, runs));
    }

    /** Builds a random database and queries, searches, and checks against exact search. */
    public static Report run(int n, int q, int d, int k, double recallTarget, int runs) {
        return run(n, q, d, k, recallTarget, runs, JitConfig.defaults());
    }

    /** {@link #run(int, int, int, int, double, int)} on a chosen backend, e.g. {@code JitConfig.defaults().backend("tpu")}. */
    public static Report run(int n, int q, int d, int k, double recallTarget, int runs, JitConfig config) {
        // 1. Data: a database of n embeddings and q queries, f32 (a fixed seed: reruns agree).
        Nd4j.getRandom().setSeed(42);
        INDArray db = Nd4j.randn(DataType.FLOAT, n, d);
        INDArray qy = Nd4j.randn(DataType.FLOAT, q, d);

        // 2. The program, written as in JAX: scores = qy . db^T, then the approximate top k.
        //    Jit traces it once per input shape; the compiler folds the transpose into the
        //    product and fuses product and top-k into one tiled pass (no [q, n] score matrix).
        Jitted<TopK> mips = Jit.jit((Tensor x, Tensor y) -> approxMaxK(dot(x, transpose(y)), k, recallTarget), config);

        //    A database searched many times is prepared once: an immutable snapshot from which the
        //    CPU keeps an int8 copy, so that the recall target buys speed (int8 products, the
        //    candidates re-ranked exactly in f32) without quantizing the database on every call.
        Prepared prepared = Ann.prepare(db);

        // 3. Ground truth: the exact top k of the same scores.
        Jitted<TopK> exact = Jit.jit((Tensor x, Tensor y) -> topK(dot(x, transpose(y)), k), config);

        TopK approx = null;
        TopK truth = null;
        double[] approxMs = new double[runs];
        double[] exactMs = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            approx = mips.call(qy, prepared);
            long t1 = System.nanoTime();
            truth = exact.call(qy, db);
            long t2 = System.nanoTime();
            approxMs[i] = (t1 - t0) / 1e6;
            exactMs[i] = (t2 - t1) / 1e6;
        }

        // 4. Recall as JAX's ann_recall defines it.
        double recall = Ann.recall(approx.indicesArray(), truth.indicesArray());
        return new Report(n, q, d, k, recallTarget, recall, median(approxMs, runs), median(exactMs, runs));
    }

    /** The median of the runs after the first (the first one traces and compiles). */
    static double median(double[] ms, int runs) {
        double[] rest = runs > 1 ? Arrays.copyOfRange(ms, 1, runs) : ms.clone();
        Arrays.sort(rest);
        return rest[rest.length / 2];
    }

    /** Reads {@code --name value} or {@code --name=value}; Maven passes all options as one string. */
    static String arg(String[] args, String name, String fallback) {
        String[] tokens = String.join(" ", args).trim().split("[\\s=]+");
        for (int i = 0; i + 1 < tokens.length; i++) {
            if (tokens[i].equals(name)) {
                return tokens[i + 1];
            }
        }
        return fallback;
    }

    static int intArg(String[] args, String name, int fallback) {
        return Integer.parseInt(arg(args, name, Integer.toString(fallback)).replace("_", "").replace(",", ""));
    }
}
