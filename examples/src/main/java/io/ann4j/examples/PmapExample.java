package io.ann4j.examples;

import static io.ann4j.dsl.Ops.add;
import static io.ann4j.dsl.Ops.approxMaxK;
import static io.ann4j.dsl.Ops.collapse;
import static io.ann4j.dsl.Ops.dot;
import static io.ann4j.dsl.Ops.dotGeneral;
import static io.ann4j.dsl.Ops.neg;
import static io.ann4j.dsl.Ops.sliceInDim;
import static io.ann4j.dsl.Ops.sortKeyVal;
import static io.ann4j.dsl.Ops.topK;
import static io.ann4j.dsl.Ops.transpose;

import io.ann4j.dsl.Ann;
import io.ann4j.dsl.ApproxTopKOptions;
import io.ann4j.dsl.Jit;
import io.ann4j.dsl.JitConfig;
import io.ann4j.dsl.Jitted;
import io.ann4j.dsl.KeyValue;
import io.ann4j.dsl.Pmap;
import io.ann4j.dsl.PmapSpec;
import io.ann4j.dsl.Tensor;
import io.ann4j.dsl.TopK;
import io.ann4j.dsl.TopKAccumulator;
import java.util.Locale;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The seed's second program: a database sharded over devices with {@code pmap}. Each device
 * searches its shard with {@code reductionInputSizeOverride} set to the whole database's size
 * (so that each shard plans its bins for the global recall target), adds its shard's offset to the
 * indices, and the host merges the per-device candidates: once as the seed does it
 * ({@code collapse}, {@code sortKeyVal}, slice to k), once with {@link TopKAccumulator}.
 *
 * <p>Options: {@code --n 1000000 --q 1024 --d 128 --k 10 --recall 0.95 --devices 2 --runs 3}.
 */
public final class PmapExample {

    /** What one run measured. */
    public record Report(int n, int q, int devices, double recallTarget, double pmapMs, double singleMs,
                         double pmapRecall, double singleRecall, double accumulatorRecall) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT,
                    "MIPS over %,d x 128 sharded on %d devices, %,d queries, recall target %.2f%n"
                            + "  pmap + host merge:      %8.1f ms (median), recall %.4f (TopKAccumulator: %.4f)%n"
                            + "  one device, whole db:   %8.1f ms (median), recall %.4f%n",
                    n, devices, q, recallTarget, pmapMs, pmapRecall, accumulatorRecall, singleMs, singleRecall);
        }
    }

    private PmapExample() {}

    public static void main(String[] args) {
        System.out.print(run(MipsExample.intArg(args, "--n", 1_000_000), MipsExample.intArg(args, "--q", 1024),
                MipsExample.intArg(args, "--d", 128), MipsExample.intArg(args, "--k", 10),
                Double.parseDouble(MipsExample.arg(args, "--recall", "0.95")), MipsExample.intArg(args, "--devices", 2),
                MipsExample.intArg(args, "--runs", 3)));
    }

    public static Report run(int n, int q, int d, int k, double recall, int devices, int runs) {
        return run(n, q, d, k, recall, devices, runs, JitConfig.defaults());
    }

    /** The same on a chosen backend (the per-device program, the merge and the references). */
    public static Report run(int n, int q, int d, int k, double recall, int devices, int runs, JitConfig config) {
        if (n % devices != 0) {
            throw new IllegalArgumentException("--n (" + n + ") must divide evenly over --devices (" + devices + ")");
        }
        Pmap.setDeviceCount(config, Math.max(Pmap.deviceCount(config), devices));
        Nd4j.getRandom().setSeed(7);
        INDArray db = Nd4j.randn(DataType.FLOAT, n, d);
        INDArray qy = Nd4j.randn(DataType.FLOAT, q, d);

        // 1. Shard the database: [devices, n / devices, d], and each shard's first global index.
        int perDevice = n / devices;
        INDArray sharded = db.reshape('c', devices, perDevice, d);
        INDArray offsets = Nd4j.createFromArray(IntStream.range(0, devices).map(i -> i * perDevice).toArray());

        // 2. The per-device program. in_axes (None, 0, 0): the queries go to every device, the
        //    shards and offsets are split. out_axes (1, 1): results stack as [q, devices, L].
        Pmap.Pmapped<TopK> parallel = Pmap.pmap((Tensor x, Tensor shard, Tensor offset) -> {
            TopK r = approxMaxK(dotGeneral(x, shard, new int[] {1}, new int[] {1}),
                    ApproxTopKOptions.k(k).reductionDimension(1).recallTarget(recall)
                            .reductionInputSizeOverride(n).aggregateToTopk(false));
            return new TopK(r.values(), add(r.indices(), offset));
        }, PmapSpec.inAxes(null, 0, 0).outAxes(1, 1).withConfig(config));

        // 3. The host side, as the seed writes it: collapse the device axis into the candidates,
        //    sort (ascending, so the scores are negated for MIPS) and keep k.
        Jitted<TopK> merge = Jit.jit((Tensor v, Tensor i) -> {
            KeyValue sorted = sortKeyVal(neg(collapse(v, 1, 3)), collapse(i, 1, 3), 1);
            return new TopK(neg(sliceInDim(sorted.keys(), 0, k, 1)), sliceInDim(sorted.values(), 0, k, 1));
        }, config);

        Jitted<TopK> single = Jit.jit((Tensor x, Tensor y) -> approxMaxK(dot(x, transpose(y)), k, recall), config);
        Jitted<TopK> exact = Jit.jit((Tensor x, Tensor y) -> topK(dot(x, transpose(y)), k), config);

        TopK truth = exact.call(qy, db);
        TopK[] last = new TopK[2];
        double pmapMs = median(runs, () -> {
            TopK candidates = parallel.call(qy, sharded, offsets);
            last[0] = merge.call(candidates.values(), candidates.indices());
        });
        double singleMs = median(runs, () -> last[1] = single.call(qy, db));

        // 4. The same merge with the streaming host accumulator (constant memory in the shards).
        TopK perDeviceResults = parallel.call(qy, sharded, offsets);
        TopKAccumulator acc = new TopKAccumulator(q, k, true);
        for (int dev = 0; dev < devices; dev++) {
            INDArray v = perDeviceResults.valuesArray().get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.point(dev), org.nd4j.linalg.indexing.NDArrayIndex.all()).dup('c');
            INDArray i = perDeviceResults.indicesArray().get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.point(dev), org.nd4j.linalg.indexing.NDArrayIndex.all()).dup('c');
            acc.add(v, i, 0); // the indices are global already: the program added the offsets
        }
        return new Report(n, q, devices, recall, pmapMs, singleMs,
                Ann.recall(last[0].indicesArray(), truth.indicesArray()),
                Ann.recall(last[1].indicesArray(), truth.indicesArray()),
                Ann.recall(acc.result().indicesArray(), truth.indicesArray()));
    }

    /** Times {@code runs} calls after a first one that traces and compiles ({@link MipsExample#median}). */
    private static double median(int runs, Runnable body) {
        double[] ms = new double[runs + 1];
        for (int i = 0; i <= runs; i++) {
            long t0 = System.nanoTime();
            body.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        return MipsExample.median(ms, runs + 1);
    }
}
