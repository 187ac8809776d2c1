package io.ann4j.bench;

import io.ann4j.runtime.cpu.search.HalfConversions;
import io.ann4j.compiler.spi.NativeViews;
import io.ann4j.runtime.cpu.search.OneDnn;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.TopK;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The yardsticks ann4j is measured against, at the same shape: OpenBLAS sgemm alone (the
 * roofline for large batches), one gemv (reading the database once: the floor for small ones),
 * and ND4J's mmul + top_k (what a Java user would write today).
 */
final class Baselines {
    private static final int ROW_MAJOR = 101;
    private static final int NO_TRANS = 111;
    private static final int TRANS = 112;

    private Baselines() {}

    /**
     * {@code cblas_sgemm} of {@code qy [Q, D]} with the database {@code [N, D]} (gemm's
     * transpose flag, nothing copied) into a preallocated {@code [Q, N]} output, with OpenBLAS on
     * every core: the product alone, as fast as this machine's BLAS does it.
     */
    static Runnable sgemm(INDArray qy, INDArray db, FloatPointer out) {
        int q = (int) qy.size(0);
        int n = (int) db.size(0);
        int d = (int) db.size(1);
        FloatPointer a = floats(qy);
        FloatPointer b = floats(db);
        return () -> openblas_nolapack.cblas_sgemm(ROW_MAJOR, NO_TRANS, TRANS, q, n, d, 1f, a, d, b, d, 0f, out, n);
    }

    /** oneDNN's {@code dnnl_sgemm} alone, on every core: the fastest f32 product this machine has. */
    static Runnable onednn(INDArray qy, INDArray db, FloatPointer out) {
        int q = (int) qy.size(0);
        int n = (int) db.size(0);
        int d = (int) db.size(1);
        FloatPointer a = floats(qy);
        FloatPointer b = floats(db);
        return () -> OneDnn.sgemmAllThreads(false, true, q, n, d, a, d, b, d, out, n);
    }

    /**
     * oneDNN's {@code dnnl_gemm_bf16bf16f32} alone, on every core, with the queries rounded to bf16
     * and the bf16 database {@code dbBf16} ({@code [n, d]}) read in place: the fastest bf16
     * product this machine has, the floor of a fused bf16 search.
     */
    static Runnable onednnBf16(INDArray qy, INDArray dbBf16, FloatPointer out) {
        int q = (int) qy.size(0);
        int n = (int) dbBf16.size(0);
        int d = (int) dbBf16.size(1);
        MemorySegment a = Arena.ofAuto().allocate((long) q * d * 2, 64);
        HalfConversions.floatsToBf16(qy.dup('c').data().asFloat(), 0, a, 0, q * d);
        MemorySegment b = NativeViews.segment(NativeViews.dense(dbBf16));
        MemorySegment c = MemorySegment.ofAddress(out.address()).reinterpret((long) q * n * 4);
        return () -> OneDnn.gemmBf16AllThreads(false, true, q, n, d, a, d, b, d, c, n);
    }

    /** {@code cblas_sgemv} of the database with one query: the time to read the database once. */
    static double gemvMs(INDArray qy, INDArray db, int runs) {
        int n = (int) db.size(0);
        int d = (int) db.size(1);
        try (FloatPointer out = new FloatPointer(n)) {
            FloatPointer x = floats(qy);
            FloatPointer a = floats(db);
            return Stats.medianMs(runs, () -> openblas_nolapack.cblas_sgemv(ROW_MAJOR, NO_TRANS, n, d, 1f, a, d, x, 1,
                    0f, out, 1));
        }
    }

    /** ND4J's {@code mmul} of the query matrix with the transposed database, then its top_k op. */
    static double nd4jMs(INDArray qy, INDArray db, int k, int runs) {
        return Stats.medianMs(runs, () -> {
            INDArray scores = qy.mmul(db.transpose());
            Nd4j.exec(new TopK(scores, k, true));
        });
    }

    private static FloatPointer floats(INDArray dense) {
        return new FloatPointer(NativeViews.pointer(NativeViews.address(NativeViews.dense(dense))));
    }
}
