package io.ann4j.spark.ml;

import static io.ann4j.dsl.Ops.approxMaxK;
import static io.ann4j.dsl.Ops.approxMinK;

import io.ann4j.dsl.ApproxTopKOptions;
import io.ann4j.dsl.Jit;
import io.ann4j.dsl.JitConfig;
import io.ann4j.dsl.Jitted;
import io.ann4j.dsl.Metric;
import io.ann4j.dsl.Tensor;
import io.ann4j.dsl.TopK;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import scala.Tuple2;

/**
 * The search of one (query slab, item shard) pair on an executor: ann4j's fused pass over the
 * metric's scores (never the whole score matrix), {@code approxMaxK}/{@code approxMinK} with
 * {@code k' = min(k, shard rows)} and the recall planned for all the items
 * ({@code reductionInputSizeOverride}), so that every shard plans for the global target. Each
 * query's candidates leave keyed by the query's slab and row, for the exact merge.
 *
 * <p>Programs are jitted once per JVM for each (metric, k', recall, item count, backend options)
 * and compiled once per slab shape ({@link #compiles()} counts them).
 *
 * @param k            neighbours per query
 * @param totalItems   the number of items the recall is planned for
 * @param backend      the backend to compile for, or null for the JVM's default
 */
record PairSearch(Metric metric, int k, double recallTarget, long totalItems, String backend,
                  Map<String, String> backendOptions) implements Serializable {
    private static final Map<List<Object>, Jitted<TopK>> PROGRAMS = new ConcurrentHashMap<>();

    /** Programs traced in this JVM so far (each traces once per slab shape). */
    static int compiles() {
        int n = 0;
        for (Jitted<TopK> j : PROGRAMS.values()) {
            n += j.traceCount();
        }
        return n;
    }

    /** The candidates of each query of {@code queries} among {@code items}. */
    List<Tuple2<Long, Candidates>> search(RowSlab queries, RowSlab items) {
        if (queries.dim() != items.dim()) {
            throw new IllegalArgumentException("nearest neighbours: the queries have dimension " + queries.dim()
                    + " but the items have " + items.dim() + " (query f32[" + queries.rows() + ", " + queries.dim()
                    + "] against item shard f32[" + items.rows() + ", " + items.dim() + "])");
        }
        if (metric == Metric.COSINE) {
            zeroVectors(queries, "query");
            zeroVectors(items, "item");
        }
        int kShard = Math.min(k, items.rows());
        Jitted<TopK> program = PROGRAMS.computeIfAbsent(List.of(metric, kShard, recallTarget, totalItems,
                String.valueOf(backend), backendOptions), key -> {
                    ApproxTopKOptions o = ApproxTopKOptions.k(kShard).reductionDimension(1).recallTarget(recallTarget)
                            .reductionInputSizeOverride(Math.max(totalItems, items.rows()));
                    JitConfig config = JitConfig.defaults().backend(backend);
                    for (Map.Entry<String, String> e : backendOptions.entrySet()) {
                        config = config.option(e.getKey(), e.getValue());
                    }
                    return Jit.jit((Tensor q, Tensor db) -> metric.largestIsBest()
                            ? approxMaxK(metric.scores(q, db), o) : approxMinK(metric.scores(q, db), o), config);
                });
        INDArray qy = Nd4j.create(queries.vectors(), new long[] {queries.rows(), queries.dim()}, 'c');
        INDArray db = Nd4j.create(items.vectors(), new long[] {items.rows(), items.dim()}, 'c');
        float[] values;
        int[] local;
        try {
            TopK top = program.call(qy, db);
            values = top.valuesArray().ravel().toFloatVector();
            local = top.indicesArray().ravel().toIntVector();
        } finally {
            // the operands' native buffers go back now: left to the garbage collector, the copies
            // pile up (gigabytes over a large join, whose heap rarely fills)
            qy.close();
            db.close();
        }
        List<Tuple2<Long, Candidates>> out = new ArrayList<>(queries.rows());
        for (int r = 0; r < queries.rows(); r++) {
            float[] s = new float[kShard];
            long[] p = new long[kShard];
            Object[] ids = new Object[kShard];
            for (int j = 0; j < kShard; j++) {
                int at = local[r * kShard + j];
                if (at < 0) {
                    throw new IllegalStateException("kneighbors: the search returned no candidate " + j + " for query "
                            + queries.ids()[r] + " among " + items.rows() + " items");
                }
                s[j] = values[r * kShard + j];
                p[j] = items.positions()[at];
                ids[j] = items.ids()[at];
            }
            double norm = 0;
            for (int d = 0; d < queries.dim(); d++) {
                double x = queries.vectors()[r * queries.dim() + d];
                norm += x * x;
            }
            out.add(new Tuple2<>(slabRowKey(queries.key(), r),
                    new Candidates(queries.ids()[r], norm, s, p, ids, metric.largestIsBest())));
        }
        return out;
    }

    /** Cosine has no direction for a zero vector: an error naming its id, before any score is NaN. */
    private static void zeroVectors(RowSlab slab, String what) {
        float[] v = slab.vectors();
        int d = slab.dim();
        for (int r = 0; r < slab.rows(); r++) {
            boolean zero = true;
            for (int j = r * d; j < (r + 1) * d && zero; j++) {
                zero = v[j] == 0;
            }
            if (zero) {
                throw new IllegalArgumentException("nearest neighbours (cosine): the vector of " + what + " "
                        + slab.ids()[r] + " is all zeros, which has no cosine with anything; drop it or use ip or l2");
            }
        }
    }

    /** A query's key: its slab's key with the row in the low 20 bits (slabs hold at most 2^20 rows). */
    static long slabRowKey(long slabKey, int row) {
        return (slabKey << 20) | row;
    }
}
