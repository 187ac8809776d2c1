package io.ann4j.runtime.cpu;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.Dims;
import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.ir.GraphBuilder;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.ir.Value;
import io.ann4j.compiler.ops.ApproxTopK;
import io.ann4j.compiler.ops.ApproxTopKParams;
import io.ann4j.compiler.ops.BinaryOp;
import io.ann4j.compiler.ops.BroadcastInDim;
import io.ann4j.compiler.ops.DotGeneral;
import io.ann4j.compiler.passes.CompileOptions;
import io.ann4j.compiler.passes.Pipeline;
import io.ann4j.runtime.cpu.search.SearchOptions;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One int8 test search: real-valued data (random or clustered), the MIPS ({@code approxMaxK(qy .
 * db^T)}) or L2 ({@code approxMinK(|db|^2 / 2 - qy . db^T)}) graph, run on the int8 product or the
 * exact f32 one with the same inputs.
 */
final class Int8Case {
    final int q;
    final int n;
    final int d;
    final float[] qy;
    final float[] db;
    final float[] halfNorms;

    /** Given data: {@code qy [q, d]} and {@code db [n, d]}, row-major. */
    Int8Case(float[] qy, float[] db, int d) {
        this.d = d;
        this.q = qy.length / d;
        this.n = db.length / d;
        this.qy = qy;
        this.db = db;
        this.halfNorms = halfNorms(db, n, d);
    }

    Int8Case(int q, int n, int d, long seed, boolean clustered) {
        this.q = q;
        this.n = n;
        this.d = d;
        Random rnd = new Random(seed);
        qy = new float[q * d];
        db = new float[n * d];
        float[][] centers = new float[16][d];
        float[] scale = new float[d];
        for (int c = 0; c < d; c++) {
            scale[c] = clustered ? (float) (0.3 + 3 * rnd.nextDouble() * rnd.nextDouble()) : 1f;
            for (float[] center : centers) {
                center[c] = clustered ? (float) (2 * rnd.nextGaussian()) : 0f;
            }
        }
        fill(db, n, centers, scale, rnd);
        fill(qy, q, centers, scale, rnd);
        halfNorms = halfNorms(db, n, d);
    }

    /** The real word embeddings committed with the tests (see tools/fixtures/wink_embeddings.py). */
    static Int8Case wordEmbeddings() {
        return new Int8Case(resource("wink-queries-200x100.f32"), resource("wink-db-5000x100.f32"), 100);
    }

    private static float[] resource(String name) {
        try (var in = Int8Case.class.getResourceAsStream(name)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(in.readAllBytes()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[b.remaining() / 4];
            b.asFloatBuffer().get(out);
            return out;
        } catch (java.io.IOException | NullPointerException e) {
            throw new IllegalStateException("test fixture " + name + " is missing", e);
        }
    }

    private static float[] halfNorms(float[] db, int n, int d) {
        float[] h = new float[n];
        for (int j = 0; j < n; j++) {
            float s = 0;
            for (int c = 0; c < d; c++) {
                s += db[j * d + c] * db[j * d + c];
            }
            h[j] = s / 2;
        }
        return h;
    }

    private static void fill(float[] m, int rows, float[][] centers, float[] scale, Random rnd) {
        for (int r = 0; r < rows; r++) {
            float[] center = centers[rnd.nextInt(centers.length)];
            for (int c = 0; c < m.length / rows; c++) {
                m[r * (m.length / rows) + c] = (center[c] + (float) rnd.nextGaussian()) * scale[c];
            }
        }
    }

    /** {@code [values, indices]} of a top-{@code k} search at {@code target}, with the CPU options given. */
    List<INDArray> run(boolean l2, int k, double target, String product, String candidates) {
        return run(l2, k, target, product, candidates, Nd4j.create(db, new long[] {n, d}, 'c'));
    }

    List<INDArray> run(boolean l2, int k, double target, String product, String candidates, INDArray database) {
        GraphBuilder b = new GraphBuilder();
        Value x = b.parameter(TensorType.of(DType.F32, q, d));
        DType stored = switch (database.dataType()) {
            case BFLOAT16 -> DType.BF16;
            case HALF -> DType.F16;
            default -> DType.F32;
        };
        Value y = b.parameter(TensorType.of(stored, n, d));
        Value h = b.parameter(TensorType.of(DType.F32, n));
        Value s = b.add1(new DotGeneral(Dims.of(1), Dims.of(1), Dims.empty(), Dims.empty()), x, y);
        if (l2) {
            s = b.add1(new BinaryOp(BinaryOp.Kind.SUB), b.add1(new BroadcastInDim(Dims.of(q, n), Dims.of(1)), h), s);
        }
        ApproxTopK op = new ApproxTopK(new ApproxTopKParams(k, -1, (float) target, !l2, -1, true));
        Graph g = Pipeline.optimize(b.build(b.add(op, List.of(s))), CompileOptions.defaults());
        return new CpuBackend().compile(g, CompileOptions.defaults().with(SearchOptions.PRODUCT, product)
                        .with(SearchOptions.INT8_CANDIDATES, candidates))
                .execute(List.of(Nd4j.create(qy, new long[] {q, d}, 'c'), database,
                        Nd4j.create(halfNorms, new long[] {n}, 'c')));
    }

    /** Recall of {@code got} against {@code truth}: shared indices over all of the truth's. */
    static double recall(int[][] got, int[][] truth) {
        long hits = 0;
        long total = 0;
        for (int r = 0; r < truth.length; r++) {
            java.util.Set<Integer> t = new java.util.HashSet<>();
            for (int i : truth[r]) {
                t.add(i);
            }
            for (int i : got[r]) {
                hits += t.contains(i) ? 1 : 0;
            }
            total += truth[r].length;
        }
        return (double) hits / total;
    }
}
