package io.ann4j.bench;

import static io.ann4j.dsl.Ops.approxMaxK;
import static io.ann4j.dsl.Ops.dot;
import static io.ann4j.dsl.Ops.sum;
import static io.ann4j.dsl.Ops.transpose;

import io.ann4j.dsl.Autodiff;
import io.ann4j.dsl.Jit;
import io.ann4j.dsl.JitConfig;
import io.ann4j.dsl.Jitted;
import io.ann4j.dsl.Tensor;
import io.ann4j.dsl.TopK;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The gradient row (issue 7): the search alone; ann4j's value and gradient with respect to
 * {@code qy} and {@code db} of the sum of the top-k values, forward included, with {@code db}'s
 * gradient row-sparse ({@code grad_ms}: the touched rows, as a training step applies them) and
 * dense ({@code grad_dense_ms}: a fresh {@code [N, D]} array, whose page faults alone cost ~30 ms
 * at N=100,000 on these machines); and the same gradient the way JAX computes it on the CPU: the
 * cotangent scattered into a dense {@code [Q, N]} matrix and multiplied back through two ND4J
 * gemms (after the same forward search). Timed side by side, round by round.
 */
final class GradientBench {
    private GradientBench() {}

    static Row measure(PrintStream out, int q, int n, int d, int k, double recall, int runs, boolean dense) {
        System.err.printf(Locale.ROOT, "measuring the gradient at Q=%d N=%d ...%n", q, n);
        INDArray qy = BenchMain.random(q, d, 11);
        INDArray db = BenchMain.random(n, d, 12);
        Jitted<TopK> fwd = Jit.jit((Tensor a, Tensor b) -> approxMaxK(dot(a, transpose(b)), k, recall));
        Jitted<Autodiff.ValueAndGrad> grad = Jit.jit((Tensor a, Tensor b) -> Autodiff.valueAndGrad(
                (Tensor x, Tensor y) -> sum(approxMaxK(dot(x, transpose(y)), k, recall).values()), 0, 1).apply(a, b));
        Jitted<Autodiff.SparseValueAndGrad> sparse = Jit.jitVarargs(a -> Autodiff.valueAndGradRowSparse(
                x -> sum(approxMaxK(dot(x[0], transpose(x[1])), k, recall).values()), new int[] {0, 1}, 1).apply(a),
                JitConfig.defaults());
        // Every body frees what it allocated, as a training loop over ND4J arrays would: left to
        // the garbage collector, the native buffers (51 MB per dense gradient) pile up until
        // JavaCPP stalls allocations for a collection, and the figures measure that instead.
        List<Runnable> bodies = new java.util.ArrayList<>(List.of(
                () -> close(fwd.call(qy, db)),
                () -> close(sparse.call(qy, db)),
                () -> close(grad.call(qy, db))));
        // The search and its gradients in turn; JAX's dense way apart, after them: its [Q, N]
        // matrices (400 MB at N=100k) churn memory and slowed whatever ran next in its round
        // (value+grad measured 0.86x to 1.49x the search from run to run beside it).
        double[] timed = Stats.interleavedMedianMs(runs, bodies);
        double[] ms = {timed[0], timed[1], timed[2], Double.NaN};
        if (dense) {
            ms[3] = Stats.medianMs(Math.max(3, runs / 2), () -> {
                TopK top = fwd.call(qy, db);
                INDArray[] g = jaxWay(qy, db, top.indicesArray());
                close(top);
                g[0].close();
                g[1].close();
            });
        }
        Autodiff.ValueAndGrad g = grad.call(qy, db);
        Row r = new Row().put("op", "grad").put("dtype", "f32").put("metric", "ip").put("q", q).put("n", n).put("d", d)
                .put("k", k).put("recall_target", recall).put("fwd_ms", ms[0]).put("grad_ms", ms[1])
                .put("grad_dense_ms", ms[2]);
        if (dense) {
            INDArray[] ref = jaxWay(qy, db, fwd.call(qy, db).indicesArray());
            Autodiff.SparseValueAndGrad sg = sparse.call(qy, db);
            double err = Math.max(Math.max(relErr(g.grad(0).array(), ref[0]), relErr(g.grad(1).array(), ref[1])),
                    Math.max(relErr(sg.dense(0).array(), ref[0]), relErr(sg.sparse(1).toDense(), ref[1])));
            r.put("dense_grad_ms", ms[3]).put("max_rel_err", err);
        }
        if (MemoryProbe.available()) {
            fwd.call(qy, db);
            double before = MemoryProbe.residentMb();
            MemoryProbe.reset();
            Autodiff.SparseValueAndGrad s = sparse.call(qy, db);
            r.put("extra_mb", Math.max(0, MemoryProbe.peakMb() - before));
            r.put("touched_rows", s.sparse(1).coalesce().ids().length);
        }
        out.printf(Locale.ROOT, "  Q=%d N=%d: search %.1f ms; value+grad %.1f ms (%.2fx the search; db's gradient row-sparse), "
                        + "%.1f ms with it dense; JAX's dense way %s; max rel err %s; extra memory %s MB%n",
                q, n, ms[0], ms[1], ms[1] / ms[0], ms[2],
                dense ? String.format(Locale.ROOT, "%.1f ms (%.2fx ann4j's grad)", ms[3], ms[3] / ms[1]) : "not run (the [Q, N] matrix does not fit)",
                r.get("max_rel_err") == null ? "-" : String.format(Locale.ROOT, "%.2e", r.num("max_rel_err")),
                r.get("extra_mb") == null ? "-" : String.format(Locale.ROOT, "%.0f", r.num("extra_mb")));
        return r;
    }

    /** Frees the arrays of a result (every leaf is an array of its own). */
    private static void close(Object result) {
        List<Tensor> leaves = switch (result) {
            case TopK t -> List.of(t.values(), t.indices());
            case Autodiff.ValueAndGrad v -> List.of(v.value(), v.grad(0), v.grad(1));
            case Autodiff.SparseValueAndGrad v -> List.of(v.value(), v.dense(0), v.sparse(1).indices(), v.sparse(1).updates());
            default -> throw new IllegalArgumentException(result.getClass().getName());
        };
        for (Tensor t : leaves) {
            if (t.array().closeable()) {
                t.array().close();
            }
        }
    }

    /** JAX's reverse pass on the CPU: zeros [Q, N], the ones at the indices, then ct . db and ct^T . qy. */
    static INDArray[] jaxWay(INDArray qy, INDArray db, INDArray idx) {
        long q = qy.size(0);
        long n = db.size(0);
        float[] ct = new float[Math.toIntExact(q * n)];
        int[] ids = idx.dup('c').data().asInt();
        int k = (int) idx.size(1);
        for (int i = 0; i < q; i++) {
            for (int j = 0; j < k; j++) {
                ct[(int) (i * n + ids[i * k + j])] += 1f;
            }
        }
        INDArray c = Nd4j.create(ct, new long[] {q, n}, DataType.FLOAT);
        INDArray[] out = {Nd4j.gemm(c, db, false, false), Nd4j.gemm(c, qy, true, false)};
        c.close();
        return out;
    }

    /** Largest elementwise difference, relative to the reference's largest magnitude. */
    static double relErr(INDArray got, INDArray ref) {
        double scale = ref.amaxNumber().doubleValue();
        return got.sub(ref).amaxNumber().doubleValue() / (scale == 0 ? 1 : scale);
    }
}
