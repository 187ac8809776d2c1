package io.ann4j.runtime.tpu.pjrt;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.Dims;
import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.ir.GraphBuilder;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.ir.Value;
import io.ann4j.compiler.ops.ApproxTopK;
import io.ann4j.compiler.ops.ApproxTopKParams;
import io.ann4j.compiler.ops.DotGeneral;
import io.ann4j.compiler.ops.Transpose;
import io.ann4j.compiler.passes.CompileOptions;
import io.ann4j.compiler.passes.Pipeline;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * The seed's MIPS program, {@code approx_max_k(dot(qy, db.T), k, recall_target)}, with data that
 * every JVM rebuilds bit for bit from a seed (so a device machine and this one search the same
 * database without shipping it) and the exact answer to judge a result by.
 *
 * @param q      queries
 * @param n      database rows
 * @param d      dimension
 * @param k      results per query
 * @param recall the recall target
 * @param seed   seeds {@link Random}, whose Gaussian sequence the JDK specifies
 */
record MipsProblem(int q, int n, int d, int k, float recall, long seed) {

    MipsProblem {
        if (q <= 0 || n <= 0 || d <= 0 || k <= 0 || k > n) {
            throw new IllegalArgumentException("MIPS check needs q, n, d > 0 and 0 < k <= n; got q=" + q + " n=" + n
                    + " d=" + d + " k=" + k);
        }
        if ((long) n * d > Integer.MAX_VALUE - 8 || (long) q * d > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("MIPS check holds its arrays in Java arrays: n*d and q*d must stay under 2^31,"
                    + " got n=" + n + " q=" + q + " d=" + d);
        }
        if (!(recall > 0 && recall <= 1)) {
            throw new IllegalArgumentException("recall target must be in (0, 1], got " + recall);
        }
    }

    /** The program as the DSL traces it, after the compiler's pipeline (what a backend is given). */
    Graph graph() {
        return graph(DType.F32);
    }

    /**
     * The program over a database stored as {@code dbType} (f32, bf16 or f16; the queries stay
     * f32, and the product promotes the database to f32 as {@code jnp.dot} does).
     */
    Graph graph(DType dbType) {
        GraphBuilder b = new GraphBuilder();
        Value qy = b.parameter(TensorType.of(DType.F32, q, d));
        Value db = b.parameter(TensorType.of(dbType, n, d));
        Value scores = b.add1(DotGeneral.dot(2), qy, b.add1(new Transpose(Dims.of(1, 0)), db));
        List<Value> r = b.add(new ApproxTopK(new ApproxTopKParams(k, -1, recall, true, -1, true)), List.of(scores));
        return Pipeline.optimize(b.build(r), CompileOptions.defaults());
    }

    /** The database, row-major {@code [n, d]}: standard normal draws of {@code Random(seed)}. */
    float[] database() {
        return draws(new Random(seed), n * d);
    }

    /** The queries, row-major {@code [q, d]}: standard normal draws of {@code Random(seed + 1)}. */
    float[] queries() {
        return draws(new Random(seed + 1), q * d);
    }

    /**
     * The database's elements stored as {@code type} (bf16 or f16): each rounded to nearest even,
     * as JAX converts, as raw 16-bit elements.
     */
    static short[] halfBits(float[] values, DType type) {
        short[] out = new short[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = switch (type) {
                case BF16 -> io.ann4j.compiler.ir.Bf16.fromFloat(values[i]);
                case F16 -> Float.floatToFloat16(values[i]);
                default -> throw new IllegalArgumentException("not a half type: " + type);
            };
        }
        return out;
    }

    /** Raw bf16 or f16 elements widened to f32 (exact): the database the program really searches. */
    static float[] widen(short[] bits, DType type) {
        float[] out = new float[bits.length];
        for (int i = 0; i < bits.length; i++) {
            out[i] = type == DType.BF16 ? io.ann4j.compiler.ir.Bf16.toFloat(bits[i]) : Float.float16ToFloat(bits[i]);
        }
        return out;
    }

    private static float[] draws(Random random, int count) {
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = (float) random.nextGaussian();
        }
        return out;
    }

    /** A query's score against a row, accumulated in double. */
    static double score(float[] qy, float[] db, int d, int query, int row) {
        double s = 0;
        for (int i = 0; i < d; i++) {
            s += (double) qy[query * d + i] * db[row * d + i];
        }
        return s;
    }

    /** {@code sum |qy_i * db_i|}: the scale a rounding error of the score is measured against. */
    static double magnitude(float[] qy, float[] db, int d, int query, int row) {
        double s = 0;
        for (int i = 0; i < d; i++) {
            s += Math.abs((double) qy[query * d + i] * db[row * d + i]);
        }
        return s;
    }

    /** The exact top-k indices per query, best first, scores in double (ties to the lower index). */
    int[] exactTopK(float[] qy, float[] db) {
        int[] out = new int[q * k];
        IntStream.range(0, q).parallel().forEach(query -> {
            // a min-heap of the best k so far: the root is the worst kept (lowest score, then highest index)
            PriorityQueue<double[]> heap = new PriorityQueue<>(k + 1,
                    (a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0]) : Double.compare(b[1], a[1]));
            for (int row = 0; row < n; row++) {
                double s = score(qy, db, d, query, row);
                if (heap.size() < k) {
                    heap.add(new double[] {s, row});
                } else if (s > heap.peek()[0]) {
                    heap.poll();
                    heap.add(new double[] {s, row});
                }
            }
            for (int j = k - 1; j >= 0; j--) {
                out[query * k + j] = (int) heap.poll()[1];
            }
        });
        return out;
    }

    /** JAX's {@code ann_recall}: the share of the exact top-k that {@code found} contains. */
    double recallOf(int[] found, int[] exact) {
        long hits = 0;
        for (int query = 0; query < q; query++) {
            java.util.Set<Integer> truth = new java.util.HashSet<>();
            for (int j = 0; j < k; j++) {
                truth.add(exact[query * k + j]);
            }
            for (int j = 0; j < k; j++) {
                if (truth.contains(found[query * k + j])) {
                    hits++;
                }
            }
        }
        return (double) hits / ((long) q * k);
    }
}
