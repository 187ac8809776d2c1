package io.ann4j.langchain4j;

import static io.ann4j.dsl.Ops.add;
import static io.ann4j.dsl.Ops.approxMaxK;
import static io.ann4j.dsl.Ops.broadcastInDim;
import static io.ann4j.dsl.Ops.dot;
import static io.ann4j.dsl.Ops.transpose;

import io.ann4j.dsl.ApproxTopKOptions;
import io.ann4j.dsl.Jit;
import io.ann4j.dsl.JitConfig;
import io.ann4j.dsl.Jitted;
import io.ann4j.dsl.Tensor;
import io.ann4j.dsl.TopK;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The search a store runs, as ann4j programs: the unit query's dot products with the unit rows
 * (the cosine similarity), plus a bias per row that is 0 for rows the search may return and -inf
 * for the others (removed rows, rows a filter rejects), fused with the top-k into one pass: the
 * rows a filter rejects are out before the top-k, never filtered after it. Without a bias (no
 * filter, nothing removed) the plain product runs. Compiled once per k and shape class.
 */
final class CosineSearch {
    private final JitConfig config;
    private final double recallTarget;
    private final Map<Integer, Jitted<TopK>> plain = new ConcurrentHashMap<>();
    private final Map<Integer, Jitted<TopK>> masked = new ConcurrentHashMap<>();

    CosineSearch(double recallTarget, JitConfig config) {
        this.recallTarget = recallTarget;
        this.config = config;
    }

    /** The {@code k} best rows of {@code units [n, d]} for {@code query [1, d]}; {@code bias [n]} or null. */
    TopK search(INDArray query, INDArray units, INDArray bias, int k) {
        if (bias == null) {
            return plain.computeIfAbsent(k, kk -> Jit.jit((Tensor q, Tensor db) ->
                    approxMaxK(dot(q, transpose(db)), options(kk)), config)).call(query, units);
        }
        return masked.computeIfAbsent(k, kk -> Jit.jit((Tensor q, Tensor db, Tensor b) ->
                approxMaxK(add(dot(q, transpose(db)), broadcastInDim(b, new int[] {q.dim(0), db.dim(0)}, new int[] {1})),
                        options(kk)), config)).call(query, units, bias);
    }

    private ApproxTopKOptions options(int k) {
        return ApproxTopKOptions.k(k).recallTarget(recallTarget);
    }
}
