package io.ann4j.examples;

import static io.ann4j.dsl.Ops.approxMaxK;
import static io.ann4j.dsl.Ops.concatenate;
import static io.ann4j.dsl.Ops.constant;
import static io.ann4j.dsl.Ops.div;
import static io.ann4j.dsl.Ops.dot;
import static io.ann4j.dsl.Ops.gatherRows;
import static io.ann4j.dsl.Ops.logSumExp;
import static io.ann4j.dsl.Ops.maximum;
import static io.ann4j.dsl.Ops.minimum;
import static io.ann4j.dsl.Ops.mul;
import static io.ann4j.dsl.Ops.reshape;
import static io.ann4j.dsl.Ops.sub;
import static io.ann4j.dsl.Ops.sum;
import static io.ann4j.dsl.Ops.topK;
import static io.ann4j.dsl.Ops.transpose;

import io.ann4j.dsl.Autodiff;
import io.ann4j.dsl.CustomDerivatives;
import io.ann4j.dsl.Jit;
import io.ann4j.dsl.JitConfig;
import io.ann4j.dsl.Jitted;
import io.ann4j.dsl.RowSparseGradient;
import io.ann4j.dsl.Tensor;
import io.ann4j.dsl.TopK;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Tutorial: training a retrieval model with hard negatives, the use the fast gradient of
 * {@code approxMaxK} exists for.
 *
 * <p>Users have features {@code x}; items have embeddings (a table, trained too). A hidden
 * relation decides each user's item. A linear query tower {@code W} maps features to the item
 * space, and retrieval is {@code approxMaxK(dot(x W, transpose(items)), k)}. Each step's loss is a
 * softmax over the positive and the k items the search itself retrieves (the hardest negatives,
 * found at the cost of the search, with no [users, items] matrix in the backward pass):
 * <pre>{@code
 * loss = mean( logsumexp([s_pos, s_retrieved]) - s_pos )
 * }</pre>
 * The logits pass through a custom gradient rule ({@link #clipGradient}), the way a user
 * replaces a derivative that does not suit them. {@link Autodiff#valueAndGradRowSparse} gives the gradient with respect to {@code W} dense and
 * with respect to the item table row-sparse (the touched rows only), and one {@code jit}
 * compiles forward and backward together. The example prints recall@10 before and after, and
 * the loss per epoch.
 *
 * <p>Run: {@code mvn -q -pl examples exec:exec -Dexec.mainClass=io.ann4j.examples.HardNegativeRetrieval}
 * (or through {@link #run}); options {@code --users 4096 --items 20000 --dim 32 --epochs 8}.
 */
public final class HardNegativeRetrieval {
    private HardNegativeRetrieval() {}

    /** What a training run printed and measured. */
    public record Report(double recallBefore, double recallAfter, List<Double> lossPerEpoch, String log) {}

    public static void main(String[] args) {
        int users = MipsExample.intArg(args, "--users", 4096);
        int items = MipsExample.intArg(args, "--items", 20_000);
        int dim = MipsExample.intArg(args, "--dim", 32);
        int epochs = MipsExample.intArg(args, "--epochs", 8);
        System.out.print(run(users, items, dim, epochs, 1).log());
    }

    /**
     * A custom rule (the hook): the identity forward, and a backward that clips each cotangent to
     * [-limit, limit], so that one badly retrieved user cannot dominate a step. Written with
     * {@link CustomDerivatives#customVjp}; its rule is traced and compiled with the rest.
     */
    static Tensor clipGradient(Tensor x, double limit) {
        return CustomDerivatives.customVjp("clipGradient",
                a -> new Tensor[] {a[0]},
                (a, ct) -> new Tensor[] {minimum(maximum(ct[0], constant(-limit, ct[0].dtype())), constant(limit, ct[0].dtype()))})
                .apply(new Tensor[] {x})[0];
    }

    /** The training step's loss: softmax over the positive and the retrieved negatives. */
    static Tensor loss(Tensor w, Tensor table, Tensor x, Tensor positives, int k) {
        Tensor query = dot(x, w);                                          // [B, D]
        TopK retrieved = approxMaxK(dot(query, transpose(table)), k, 0.95); // [B, k]: hard negatives
        Tensor pos = sum(mul(query, gatherRows(table, positives)), 1);     // [B]
        Tensor logits = clipGradient(concatenate(1, reshape(pos, pos.dim(0), 1), retrieved.values()), 2e-4);
        Tensor perUser = sub(logSumExp(logits, 1), pos);
        return div(sum(perUser), (double) perUser.dim(0));
    }

    public static Report run(int users, int items, int dim, int epochs, long seed) {
        int features = dim;
        int batch = Math.min(256, users);
        int k = 10;
        float lr = 0.5f;
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.randn(DataType.FLOAT, users, features);
        INDArray hidden = Nd4j.randn(DataType.FLOAT, features, dim);
        INDArray table = Nd4j.randn(DataType.FLOAT, items, dim).divi(Math.sqrt(dim));
        // The hidden relation: each user's item is the best one under a tower the model must learn.
        Jitted<TopK> exact = Jit.jit((Tensor q, Tensor t) -> topK(dot(q, transpose(t)), 1));
        INDArray positives = exact.call(x.mmul(hidden), table).indicesArray().reshape(users).dup();
        INDArray w = Nd4j.randn(DataType.FLOAT, features, dim).muli(0.01);

        var step = Jit.jitVarargs(a -> Autodiff.valueAndGradRowSparse(
                t -> loss(t[0], t[1], t[2], t[3], k), new int[] {0, 1}, 1).apply(a), JitConfig.defaults());
        StringBuilder log = new StringBuilder();
        double before = recallAt10(x, w, table, positives);
        log.append(String.format(Locale.ROOT, "users %d, items %d, dim %d; recall@10 before training: %.3f%n",
                users, items, dim, before));
        List<Double> losses = new ArrayList<>();
        Random order = new Random(seed);
        for (int epoch = 1; epoch <= epochs; epoch++) {
            double total = 0;
            int steps = 0;
            int[] perm = shuffled(users, order);
            for (int start = 0; start + batch <= users; start += batch) {
                INDArray rows = Nd4j.createFromArray(java.util.Arrays.copyOfRange(perm, start, start + batch));
                INDArray xb = x.get(NDArrayIndex.indices(toLongs(rows)), NDArrayIndex.all()).dup('c');
                INDArray pb = positives.get(NDArrayIndex.indices(toLongs(rows))).dup('c').reshape(batch);
                Autodiff.SparseValueAndGrad r = step.call(w, table, xb, pb);
                total += r.value().array().getDouble(0);
                steps++;
                w.subi(r.dense(0).array().mul(lr));
                RowSparseGradient.Rows touched = r.sparse(1).coalesce();
                for (int i = 0; i < touched.ids().length; i++) {
                    table.getRow(touched.ids()[i]).subi(touched.values().getRow(i).mul(lr));
                }
            }
            losses.add(total / steps);
            log.append(String.format(Locale.ROOT, "epoch %d: loss %.4f%n", epoch, total / steps));
        }
        double after = recallAt10(x, w, table, positives);
        log.append(String.format(Locale.ROOT, "recall@10 after training: %.3f%n", after));
        return new Report(before, after, losses, log.toString());
    }

    /** The fraction of users whose item is among the 10 the approximate search returns. */
    static double recallAt10(INDArray x, INDArray w, INDArray table, INDArray positives) {
        INDArray found = Jit.jit((Tensor q, Tensor t) -> approxMaxK(dot(q, transpose(t)), 10, 0.95))
                .call(x.mmul(w), table).indicesArray();
        int hits = 0;
        for (int u = 0; u < found.size(0); u++) {
            for (int j = 0; j < 10; j++) {
                if (found.getInt(u, j) == positives.getInt(u)) {
                    hits++;
                    break;
                }
            }
        }
        return hits / (double) found.size(0);
    }

    private static int[] shuffled(int n, Random rnd) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static long[] toLongs(INDArray ints) {
        return java.util.Arrays.stream(ints.toIntVector()).asLongStream().toArray();
    }
}
