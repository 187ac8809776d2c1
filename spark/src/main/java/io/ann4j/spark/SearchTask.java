package io.ann4j.spark;

import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.spi.Executable;
import io.ann4j.dsl.TopKAccumulator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The search of one partition, run on an executor: for each block, the compiled per-shard
 * program (cached per JVM by {@link ExecutableCache}), its local indices shifted by the block's
 * offset and folded into one {@link TopKAccumulator}, the partition's only output.
 */
final class SearchTask implements FlatMapFunction<Iterator<RowBlock>, TopKAccumulator> {
    private static final long serialVersionUID = 1L;

    private final Broadcast<SearchPlan> plan;

    SearchTask(Broadcast<SearchPlan> plan) {
        this.plan = plan;
    }

    @Override
    public Iterator<TopKAccumulator> call(Iterator<RowBlock> blocks) {
        TaskContext ctx = TaskContext.get();
        if (ctx != null) {
            TaskHooks.beforePartition(ctx);
        }
        SearchPlan p = plan.value();
        INDArray queries = Nd4j.create(p.queries(), new long[] {p.q(), p.d()}, 'c');
        TopKAccumulator acc = new TopKAccumulator(p.q(), p.k(), p.largestIsBest());
        int partition = ctx == null ? -1 : ctx.partitionId();
        int index = 0;
        while (blocks.hasNext()) {
            RowBlock b = blocks.next();
            int block = index++;
            if (b.rows() == 0) {
                continue;
            }
            if (b.dim() != p.d()) {
                // The driver checks the index's metadata first; this catches data that changed under it.
                throw new IllegalArgumentException(new ShardInfo(partition, block, b.offset(), b.rows(), b.dim(), b.dtype()).describe()
                        + " has dimension " + b.dim() + " but the queries are f32[" + p.q() + ", " + p.d() + "]");
            }
            Graph graph = p.graphsByRows().get(b.rows());
            if (graph == null) {
                throw new IllegalStateException("no program was traced for " + b + " (the blocks changed after the "
                        + "index was built: rebuild the DistributedIndex)");
            }
            Executable exe = ExecutableCache.get(graph, p.backend(), p.fuse(), p.backendOptions());
            INDArray rows = b.array(); // a half block stays half: the search reads its 16-bit rows
            List<INDArray> out = exe.execute(List.of(queries, rows));
            acc.add(out.get(0), out.get(1), b.offset());
        }
        return List.of(acc).iterator();
    }
}
