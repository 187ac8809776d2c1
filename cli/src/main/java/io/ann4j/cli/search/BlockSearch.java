package io.ann4j.cli.search;

import io.ann4j.dsl.Metric;
import static io.ann4j.dsl.Ops.approxMaxK;
import static io.ann4j.dsl.Ops.approxMinK;
import static io.ann4j.dsl.Ops.neg;
import static io.ann4j.dsl.Ops.topK;

import io.ann4j.dsl.Jit;
import io.ann4j.dsl.JitConfig;
import io.ann4j.dsl.Jitted;
import io.ann4j.dsl.Pmap;
import io.ann4j.dsl.PmapSpec;
import io.ann4j.dsl.Tensor;
import io.ann4j.dsl.TopK;
import io.ann4j.dsl.TopKAccumulator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.LongConsumer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A search over a database in blocks: each block is searched with one jitted program (or, with
 * several devices, sharded over them with {@link Pmap}) and the per-block top k are merged into
 * the global top k with a {@link TopKAccumulator}. Only one block and the k best per query are in
 * memory at a time.
 */
public final class BlockSearch {
    private final SearchSpec spec;
    private final JitConfig config;
    private final boolean valuesAreMax;
    private final Map<Integer, Jitted<TopK>> programs = new ConcurrentHashMap<>();
    private final Map<Integer, Pmap.Pmapped<TopK>> sharded = new ConcurrentHashMap<>();
    /** Time spent searching blocks and merging their results (the rest of a run reads them). */
    private long searchNanos;

    public BlockSearch(SearchSpec spec) {
        this.spec = spec;
        JitConfig c = JitConfig.defaults();
        if (spec.backend() != null) {
            c = c.backend(spec.backend());
        }
        if (spec.selection() != null && !spec.exact()) {
            // int8: the threshold selection over int8 scores, re-ranked exactly; threshold: the
            // same selection over the exact f32 product; bins: the TPU's algorithm
            boolean int8 = spec.selection().equals("int8");
            c = c.option("cpu.selection", int8 ? "threshold" : spec.selection())
                    .option("cpu.product", int8 ? "int8" : "f32");
        }
        this.config = c;
        // The exact l2 program ranks -score by largest; every other program's values rank as its metric's.
        this.valuesAreMax = spec.exact() || !spec.metric().smallerIsBetter();
    }

    public SearchSpec spec() {
        return spec;
    }

    /** Seconds the runs so far spent searching blocks and merging their results. */
    public double searchSeconds() {
        return searchNanos / 1e9;
    }

    private BiFunction<Tensor, Tensor, TopK> program(int k) {
        Metric m = spec.metric();
        if (spec.exact()) {
            return (qy, db) -> m.smallerIsBetter() ? topK(neg(m.scores(qy, db)), k) : topK(m.scores(qy, db), k);
        }
        double r = spec.recallTarget();
        return (qy, db) -> m.smallerIsBetter() ? approxMinK(m.scores(qy, db), k, r) : approxMaxK(m.scores(qy, db), k, r);
    }

    /**
     * Searches {@code db} for {@code queries}.
     *
     * @param progress gets the number of database rows done after each block (may be null)
     */
    public Neighbors run(Queries queries, Database db, LongConsumer progress) {
        int k = spec.k();
        INDArray qy = queries.data();
        TopKAccumulator acc = new TopKAccumulator(queries.count(), k, valuesAreMax);
        INDArray[] cast = {qy};
        db.forEach(block -> {
            if (block.data().dataType() != cast[0].dataType()) {
                cast[0] = qy.castTo(block.data().dataType()); // queries in the database's dtype, once
            }
            long t0 = System.nanoTime();
            searchBlock(cast[0], block, acc);
            searchNanos += System.nanoTime() - t0;
        }, progress);
        return toNeighbors(acc.result(), queries);
    }

    private void searchBlock(INDArray q, Database.Block block, TopKAccumulator acc) {
        INDArray data = block.data();
        int rows = data.rows();
        int k = spec.k();
        int done = 0;
        int devices = spec.devices();
        if (devices > 1 && rows / devices >= k) {
            int shard = rows / devices;
            done = shard * devices;
            INDArray part = (done == rows ? data : data.get(NDArrayIndex.interval(0, done), NDArrayIndex.all()))
                    .dup('c').reshape('c', devices, shard, data.columns());
            Pmap.Pmapped<TopK> p = sharded.computeIfAbsent(k, kk -> Pmap.pmap(program(kk),
                    PmapSpec.inAxes(null, 0).outAxes(0, 0).withConfig(config)));
            TopK r = p.call(q, part);
            for (int d = 0; d < devices; d++) {
                add(acc, block, r.valuesArray().get(NDArrayIndex.point(d), NDArrayIndex.all(), NDArrayIndex.all()),
                        r.indicesArray().get(NDArrayIndex.point(d), NDArrayIndex.all(), NDArrayIndex.all()), (long) d * shard);
            }
        }
        if (done < rows) {
            INDArray rest = done == 0 ? data : data.get(NDArrayIndex.interval(done, rows), NDArrayIndex.all()).dup('c');
            int kk = Math.min(k, rows - done); // a small last block (or one thinned by --on-nan skip)
            // a whole cached block is searched through its snapshot, whose derived forms are kept
            Object database = done == 0 && block.prepared() != null ? block.prepared() : rest;
            TopK r = programs.computeIfAbsent(kk, x -> Jit.jit(program(x), config)).call(q, database);
            add(acc, block, r.valuesArray(), r.indicesArray(), done);
        }
    }

    /** Adds a block's candidates, with indices local to rows {@code [localStart, ...)} of the block. */
    private static void add(TopKAccumulator acc, Database.Block block, INDArray values, INDArray local, long localStart) {
        if (block.ids() == null) {
            acc.add(values, local, block.offset() + localStart);
            return;
        }
        int[] ix = local.dup('c').data().asInt(); // one bulk copy (toIntMatrix makes a view per row)
        for (int j = 0; j < ix.length; j++) {
            ix[j] = ix[j] < 0 ? -1 : block.id((int) (ix[j] + localStart));
        }
        acc.add(values, org.nd4j.linalg.factory.Nd4j.createFromArray(ix).reshape('c', local.shape()), 0);
    }

    private Neighbors toNeighbors(TopK r, Queries queries) {
        int k = spec.k();
        Metric m = spec.metric();
        // one bulk copy each (toFloatMatrix builds a view per row: tens of ms for 1,000 queries)
        float[] v = r.valuesArray().castTo(DataType.FLOAT).dup('c').data().asFloat();
        int[] ix = r.indicesArray().dup('c').data().asInt();
        int[] ids = new int[queries.total() * k];
        float[] dist = new float[queries.total() * k];
        java.util.Arrays.fill(ids, -1);
        java.util.Arrays.fill(dist, Float.NaN);
        boolean negated = spec.exact() && m.smallerIsBetter();
        for (int q = 0; q < queries.count(); q++) {
            int row = queries.rowOf()[q];
            for (int j = 0; j < k; j++) {
                int at = q * k + j;
                if (ix[at] >= 0) {
                    ids[row * k + j] = ix[at];
                    dist[row * k + j] = m.distance(negated ? -v[at] : v[at], queries.normsSq()[q]);
                }
            }
        }
        return new Neighbors(queries.total(), k, ids, dist, m);
    }
}
