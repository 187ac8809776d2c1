package io.ann4j.spark;

import io.ann4j.dsl.Jit;
import io.ann4j.dsl.Metric;
import io.ann4j.dsl.Ops;
import io.ann4j.dsl.Tensor;
import io.ann4j.dsl.TopK;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The join bench's ground truth: ann4j's exact search of all items on one device.
 *
 * @param neighbours  query id (its row) to item ids (rows), best first
 * @param kthDistance l2: the largest k-th neighbour distance over the queries, rounded up to
 *                    micro-units (LSH's join threshold, so the threshold itself loses nothing); else 0
 */
record GroundTruth(Map<Long, List<Long>> neighbours, double kthDistance) {
    static GroundTruth exact(Metric metric, float[][] items, float[][] queries, int k) {
        INDArray db = Nd4j.createFromArray(items);
        Map<Long, List<Long>> out = new HashMap<>();
        var program = Jit.jit((Tensor q, Tensor x) -> metric.largestIsBest() ? Ops.topK(metric.scores(q, x), k)
                : Ops.topK(Ops.neg(metric.scores(q, x)), k));
        double worst = 0;
        for (int from = 0; from < queries.length; from += 1024) {
            int to = Math.min(queries.length, from + 1024);
            float[][] block = Arrays.copyOfRange(queries, from, to);
            TopK top = program.call(Nd4j.createFromArray(block), db);
            int[][] idx = top.indicesArray().toIntMatrix();
            float[][] v = top.valuesArray().toFloatMatrix();
            for (int q = 0; q < block.length; q++) {
                List<Long> ids = new ArrayList<>();
                for (int i : idx[q]) {
                    ids.add((long) i);
                }
                out.put((long) (from + q), ids);
                if (metric == Metric.L2) {
                    double norm = 0;
                    for (float x : block[q]) {
                        norm += (double) x * x;
                    }
                    worst = Math.max(worst, metric.distance(-v[q][k - 1], norm));
                }
            }
        }
        return new GroundTruth(out, metric == Metric.L2 ? Math.ceil(worst * 1e6) / 1e6 : 0);
    }

    /** The share of the true neighbours {@code found} holds (query id to item ids). */
    double recall(Map<Long, List<Long>> found) {
        long hits = 0;
        long total = 0;
        for (Map.Entry<Long, List<Long>> e : neighbours.entrySet()) {
            Set<Long> want = new HashSet<>(e.getValue());
            for (Long id : found.getOrDefault(e.getKey(), List.of())) {
                hits += want.contains(id) ? 1 : 0;
            }
            total += want.size();
        }
        return (double) hits / total;
    }
}
