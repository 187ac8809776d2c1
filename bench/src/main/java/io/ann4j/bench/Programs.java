package io.ann4j.bench;

import static io.ann4j.dsl.Ops.approxMaxK;
import static io.ann4j.dsl.Ops.approxMinK;
import static io.ann4j.dsl.Ops.neg;
import static io.ann4j.dsl.Ops.topK;

import io.ann4j.dsl.Jit;
import io.ann4j.dsl.JitConfig;
import io.ann4j.dsl.Jitted;
import io.ann4j.dsl.Similarity;
import io.ann4j.dsl.Tensor;
import io.ann4j.dsl.TopK;
import java.util.function.BiFunction;

/** The searches the bench runs, per metric, written as a user would write them. */
final class Programs {
    private Programs() {}

    /** The score whose largest (ip, cosine) or smallest (l2) values are the neighbours. */
    static Tensor scores(String metric, Tensor qy, Tensor db) {
        return switch (metric) {
            case "ip" -> Similarity.ip(qy, db);
            case "l2" -> Similarity.l2(qy, db);
            case "cosine" -> Similarity.cosine(qy, db);
            default -> throw new IllegalArgumentException("--metric must be ip, l2 or cosine, got '" + metric + "'");
        };
    }

    static boolean smallerIsBetter(String metric) {
        return metric.equals("l2");
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
