package io.ann4j.spark;

import io.ann4j.dsl.Metric;
import static io.ann4j.dsl.Ops.approxMaxK;
import static io.ann4j.dsl.Ops.approxMinK;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.dsl.ApproxTopKOptions;
import io.ann4j.dsl.Jit;
import io.ann4j.dsl.JitConfig;
import io.ann4j.dsl.Tensor;
import io.ann4j.dsl.TopK;
import java.util.List;

/**
 * The per-shard search program, traced on the driver: {@code approxMaxK / approxMinK} over the
 * metric's scores of the queries against one shard, along dimension 1, with
 * {@code reductionInputSizeOverride} set to the global database size (so every shard plans for
 * the global recall target, as the seed's pmap program does) and {@code k' = min(k, shardRows)}
 * results (the host merge pads and picks the global k).
 *
 * <p>A traced graph has fixed shapes, so shards of different row counts need different graphs:
 * the driver traces one per distinct row count (they come from the index's block metadata, so
 * no Spark job is needed to find them).
 */
final class ShardProgram {
    private ShardProgram() {}

    /** The graph for shards of {@code rows} rows ({@code >= 1}) stored as {@code storage} (f32, bf16, f16). */
    static Graph trace(Metric metric, int q, int d, int rows, DType storage, int k, double recallTarget,
                       long globalSize, JitConfig config) {
        int kShard = Math.min(k, rows);
        ApproxTopKOptions options = ApproxTopKOptions.k(kShard).reductionDimension(1).recallTarget(recallTarget)
                .reductionInputSizeOverride(globalSize);
        var program = Jit.jit((Tensor qy, Tensor shard) -> metric.largestIsBest()
                ? approxMaxK(metric.scores(qy, shard), options)
                : approxMinK(metric.scores(qy, shard), options), config);
        // Jitted.graph also compiles on the driver; in local mode that warms the kernel cache the
        // executors then hit, elsewhere it is a one-off cost per shard shape.
        return program.graph(List.of(TensorType.of(DType.F32, q, d), TensorType.of(storage, rows, d)));
    }

    /**
     * The exact search of a whole database on one device ({@code topK}, negated for L2): the
     * reference a distributed search at recall target 1 must equal, values and indices.
     */
    static TopK exactOnOneDevice(Metric metric, Tensor queries, Tensor db, int k) {
        var program = Jit.jit((Tensor qy, Tensor all) -> metric.largestIsBest()
                ? io.ann4j.dsl.Ops.topK(metric.scores(qy, all), k)
                : io.ann4j.dsl.Ops.topK(io.ann4j.dsl.Ops.neg(metric.scores(qy, all)), k));
        TopK r = program.call(queries, db);
        return metric.largestIsBest() ? r : new TopK(Tensor.of(r.valuesArray().neg()), r.indices());
    }
}
