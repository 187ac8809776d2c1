package io.ann4j.bench;

import static io.ann4j.dsl.Ops.approxMaxK;
import static io.ann4j.dsl.Ops.approxMinK;
import static io.ann4j.dsl.Ops.neg;
import static io.ann4j.dsl.Ops.topK;

import io.ann4j.dsl.Jit;
import io.ann4j.dsl.JitConfig;
import io.ann4j.dsl.Jitted;
import io.ann4j.dsl.Metric;
import io.ann4j.dsl.Tensor;
import io.ann4j.dsl.TopK;
import java.util.function.BiFunction;

/** The searches the bench runs, per metric, written as a user would write them. */
final class Programs {
    private Programs() {}

    /** The score whose largest (ip, cosine) or smallest (l2) values are the neighbours ({@link Metric#scores}). */
    static Tensor scores(String metric, Tensor qy, Tensor db) {
        return Metric.parse(metric).scores(qy, db);
    }

    static boolean smallerIsBetter(String metric) {
        return Metric.parse(metric).smallerIsBetter();
    }

    /**
     * The approximate search on the exact f32 product (the int8 rows force their own path): the
     * classic rows compare it with the f32 products alone.
     */
    static Jitted<TopK> approx(String metric, int k, double recall, String selection) {
        BiFunction<Tensor, Tensor, TopK> f = (qy, db) -> smallerIsBetter(metric)
                ? approxMinK(scores(metric, qy, db), k, recall)
                : approxMaxK(scores(metric, qy, db), k, recall);
        return Jit.jit(f, JitConfig.defaults().option("cpu.selection", selection)
                .option(io.ann4j.runtime.cpu.search.SearchOptions.PRODUCT, "f32"));
    }

    static Jitted<TopK> exact(String metric, int k) {
        BiFunction<Tensor, Tensor, TopK> f = (qy, db) -> smallerIsBetter(metric)
                ? topK(neg(scores(metric, qy, db)), k)
                : topK(scores(metric, qy, db), k);
        return Jit.jit(f);
    }
}
