package io.ann4j.langchain4j;

import static io.ann4j.dsl.Ops.add;
import static io.ann4j.dsl.Ops.approxMaxK;
import static io.ann4j.dsl.Ops.broadcastInDim;
import static io.ann4j.dsl.Ops.dot;
import static io.ann4j.dsl.Ops.mul;
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
 * The search a store runs on one chunk, as ann4j programs: the query's dot products with the
 * rows, times each row's inverse norm (with a unit query, the cosine similarity), plus a bias per
 * row that is 0 for rows the search may return and -inf for the others (removed rows, rows a
 * filter rejects, a chunk's unfilled rows), all fused with the top-k into one pass: the rows a
 * filter rejects are out before the top-k, never filtered after it. Without a bias the plain
 * program runs. Compiled once per k and chunk shape.
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

    /**
     * The {@code k} best rows of {@code rows [n, d]} for a unit {@code query [1, d]}, scored
     * {@code (query . row) * inverseNorms[row] + bias[row]}; {@code bias [n]} may be null;
     * {@code rows} is an {@code INDArray} or a {@link io.ann4j.dsl.Prepared}.
     */
    TopK search(INDArray query, Object rows, INDArray inverseNorms, INDArray bias, int k) {
        if (bias == null) {
            return plain.computeIfAbsent(k, kk -> Jit.jit((Tensor q, Tensor db, Tensor inv) ->
                    approxMaxK(mul(dot(q, transpose(db)), perRow(inv, q, db)), options(kk)), config))
                    .call(query, rows, inverseNorms);
        }
        return masked.computeIfAbsent(k, kk -> Jit.jit((Tensor q, Tensor db, Tensor inv, Tensor b) ->
                approxMaxK(add(mul(dot(q, transpose(db)), perRow(inv, q, db)), perRow(b, q, db)), options(kk)), config))
                .call(query, rows, inverseNorms, bias);
    }

    /** A per-row vector {@code [n]} broadcast over the queries: {@code [Q, n]}. */
    private static Tensor perRow(Tensor v, Tensor q, Tensor db) {
        return broadcastInDim(v, new int[] {q.dim(0), db.dim(0)}, new int[] {1});
    }

    private ApproxTopKOptions options(int k) {
        return ApproxTopKOptions.k(k).recallTarget(recallTarget);
    }
}
