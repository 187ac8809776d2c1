package io.ann4j.runtime.tpu.lowering;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.Dims;
import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.ir.GraphBuilder;
import io.ann4j.compiler.ir.Node;
import io.ann4j.compiler.ir.Permutations;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.ir.Value;
import io.ann4j.compiler.ops.ApproxTopK;
import io.ann4j.compiler.ops.ApproxTopKParams;
import io.ann4j.compiler.ops.BinaryOp;
import io.ann4j.compiler.ops.BroadcastInDim;
import io.ann4j.compiler.ops.Constant;
import io.ann4j.compiler.ops.FusedRegion;
import io.ann4j.compiler.ops.GatherRows;
import io.ann4j.compiler.ops.Iota;
import io.ann4j.compiler.ops.Reshape;
import io.ann4j.compiler.ops.TopK;
import io.ann4j.compiler.ops.Transpose;
import io.ann4j.compiler.ops.UnaryOp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The approximate top-k for platforms other than the TPU (GPUs first), as plain ops that lower to
 * plain StableHLO and CHLO: where XLA would run {@code ApproxTopK}'s exact sort-based fallback,
 * the recall target buys a cheaper reduction ({@link BucketPlan}):
 * <ol>
 *   <li>the reduced dimension moved last (a transpose, if it is not) and reshaped to
 *   {@code [..., n / B, B]}, then transposed to {@code [..., B, n / B]}: bucket {@code b} holds the
 *   elements {@code j} with {@code j mod B = b} (interleaved, so that neighbouring elements, often
 *   alike, spread over buckets);</li>
 *   <li>a top-k' per bucket ({@code chlo.top_k}), its indices mapped back to the dimension
 *   ({@code i * B + b});</li>
 *   <li>an exact top-k of the {@code B * k'} candidates, whose positions gather their indices.</li>
 * </ol>
 * A min-k negates the operand and the values (top_k is a max). The output is sorted best first
 * with i32 indices into the original dimension; with {@code aggregateToTopk} false it has JAX's
 * output size, the best of the candidates. Ops with recall target 1 are left to the exact
 * lowering, and a plan of one bucket is a plain {@code chlo.top_k} of the whole dimension.
 * Fused regions are inlined on the way (their fusion is XLA's business on these platforms).
 */
public final class BucketedTopK {
    private final GraphBuilder b = new GraphBuilder();
    private final Map<Value, Value> env = new HashMap<>();
    private final int requestedPerBucket;

    private BucketedTopK(int requestedPerBucket) {
        this.requestedPerBucket = requestedPerBucket;
    }

    /**
     * {@code g} with every {@code approxMaxK}/{@code approxMinK} of recall target below 1
     * replaced by its bucketed form.
     *
     * @param requestedPerBucket k' for every op, or 0 to let {@link BucketPlan#choose} pick
     */
    public static Graph rewrite(Graph g, int requestedPerBucket) {
        BucketedTopK r = new BucketedTopK(requestedPerBucket);
        for (Value p : g.parameters()) {
            r.env.put(p, r.b.parameter(p.type()));
        }
        r.replay(g.nodes());
        return r.b.build(Value.mapped(g.results(), r.env));
    }

    /** The plan {@link #rewrite} uses for one op over {@code operand}, or null where it keeps the op. */
    public static BucketPlan planFor(ApproxTopK op, TensorType operand, int requestedPerBucket) {
        if (!(op.planningRecall() < 1f)) {
            return null;
        }
        int n = operand.dim(op.params().axis(operand.rank()));
        int outSize = Math.toIntExact(op.outputSize(operand).outputSize());
        if (outSize > n) {
            return null; // XLA's size rule can exceed a small dimension: the exact lowering pads it
        }
        return BucketPlan.choose(n, op.params().k(), outSize, op.planningRecall(), Math.min(requestedPerBucket, outSize));
    }

    private void replay(List<Node> nodes) {
        for (Node n : nodes) {
            if (n.op() instanceof FusedRegion f) {
                for (int i = 0; i < f.body().parameters().size(); i++) {
                    env.put(f.body().parameters().get(i), env.get(n.inputs().get(i)));
                }
                replay(f.body().nodes());
                for (int i = 0; i < n.outputs().size(); i++) {
                    env.put(n.outputs().get(i), env.get(f.body().results().get(i)));
                }
                continue;
            }
            BucketPlan plan = n.op() instanceof ApproxTopK a ? planFor(a, n.inputs().get(0).type(), requestedPerBucket) : null;
            List<Value> outs = plan == null ? b.add(n.op(), Value.mapped(n.inputs(), env))
                    : bucketed(((ApproxTopK) n.op()).params(), env.get(n.inputs().get(0)), plan,
                            n.outputs().get(0).type().dim(((ApproxTopK) n.op()).params().axis(n.inputs().get(0).type().rank())));
            for (int i = 0; i < outs.size(); i++) {
                env.put(n.outputs().get(i), outs.get(i));
            }
        }
    }

    /** Values and indices of the bucketed top-{@code outSize} of {@code x} along the op's axis. */
    private List<Value> bucketed(ApproxTopKParams p, Value x, BucketPlan plan, int outSize) {
        int rank = x.type().rank();
        int axis = p.axis(rank);
        int[] toLast = Permutations.moveLast(rank, axis);
        Value v = axis == rank - 1 ? x : b.add1(new Transpose(Dims.of(toLast)), x);
        if (!p.isMaxK()) {
            v = b.add1(new UnaryOp(UnaryOp.Kind.NEG), v);
        }
        List<Value> top = plan.exact() ? b.add(new TopK(outSize), List.of(v)) : twoStages(v, plan, outSize);
        Value values = p.isMaxK() ? top.get(0) : b.add1(new UnaryOp(UnaryOp.Kind.NEG), top.get(0));
        Value indices = top.get(1);
        if (axis != rank - 1) {
            Dims back = Dims.of(Permutations.inverse(toLast));
            values = b.add1(new Transpose(back), values);
            indices = b.add1(new Transpose(back), indices);
        }
        return List.of(values, indices);
    }

    /** Stages 1 to 3 over {@code v [..., n]} (the reduced dimension last, a max-k). */
    private List<Value> twoStages(Value v, BucketPlan plan, int outSize) {
        TensorType t = v.type();
        int rank = t.rank();
        int n = t.dim(rank - 1);
        int buckets = plan.buckets();
        int perBucket = plan.perBucket();
        int[] lead = new int[rank - 1];
        for (int a = 0; a < rank - 1; a++) {
            lead[a] = t.dim(a);
        }
        // [..., n] -> [..., n / B, B] -> [..., B, n / B]: bucket b holds the elements j = i * B + b
        Value grid = b.add1(new Reshape(Dims.of(append(lead, n / buckets, buckets))), v);
        int[] swap = Permutations.moveLast(rank + 1, rank - 1);
        Value byBucket = b.add1(new Transpose(Dims.of(swap)), grid);
        List<Value> perBucketTop = b.add(new TopK(perBucket), List.of(byBucket)); // [..., B, k'], i in [0, n / B)
        int[] candShape = append(lead, buckets, perBucket);
        Value stride = b.add1(new BroadcastInDim(Dims.of(candShape), Dims.empty()), b.add1(new Constant(buckets, DType.I32)));
        Value bucket = b.add1(new Iota(DType.I32, Dims.of(candShape), rank - 1));
        Value original = b.add1(new BinaryOp(BinaryOp.Kind.ADD),
                b.add1(new BinaryOp(BinaryOp.Kind.MUL), perBucketTop.get(1), stride), bucket);
        int[] flat = append(lead, buckets * perBucket);
        Value candidates = b.add1(new Reshape(Dims.of(flat)), perBucketTop.get(0));
        Value candidateIndices = b.add1(new Reshape(Dims.of(append(flat, 1))), original);
        List<Value> best = b.add(new TopK(outSize), List.of(candidates)); // positions among the candidates
        Value gathered = b.add1(new GatherRows(rank - 1), candidateIndices, best.get(1)); // [..., outSize, 1]
        Value indices = b.add1(new Reshape(Dims.of(append(lead, outSize))), gathered);
        return List.of(best.get(0), indices);
    }

    private static int[] append(int[] head, int... tail) {
        int[] out = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, out, head.length, tail.length);
        return out;
    }
}
