package io.ann4j.runtime.cpu.search;

import io.ann4j.compiler.spi.NativeViews;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.ops.ApproxTopK;
import io.ann4j.compiler.spi.HalfArrays;
import io.ann4j.runtime.cpu.kernel.Kernels;
import io.ann4j.runtime.cpu.kernel.SideInputs;
import java.lang.ref.Reference;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A fused search over a half-precision database (bf16 or f16), as two stages:
 * <ol>
 *   <li>the same tiled pass as an f32 search (kernels, selection, threads), its product on the
 *   bf16 instructions where the CPU has them ({@link HalfGemmTiles}), keeping {@code C} candidates
 *   per query instead of the output size;</li>
 *   <li>re-ranking ({@link HalfRerank}): the candidates re-scored exactly in f32 (the f32 queries
 *   against the stored rows widened to f32, in the canonical order of {@link CanonicalScores}) and
 *   the best kept.</li>
 * </ol>
 * Results are those of the f32 search over the widened database whenever the candidates hold its
 * answer: rounding the queries to bf16 can only reorder near-ties, which re-ranking undoes. The
 * candidate count comes from the recall target ({@link #candidates}) or from the option
 * {@value #CANDIDATES_OPTION}. Exact searches ({@code topK}, or a recall target of 1) take the
 * converted f32 product, which needs no candidates beyond the output.
 */
public final class HalfSearch {
    /** The option that sets the candidate count: {@code auto} (default) or a number of candidates per query. */
    public static final String CANDIDATES_OPTION = "cpu.halfCandidates";

    private HalfSearch() {}

    static boolean isHalf(INDArray a) {
        return a.dataType() == DataType.BFLOAT16 || a.dataType() == DataType.HALF;
    }

    /**
     * The default candidate count for {@code outSize} results at recall target {@code r} over a
     * database of {@code n} rows: the output itself when it is already large (at least 4 k, as with
     * {@code aggregateToTopk = false}); else re-ranking only where it can lift the recall the
     * target needs.
     * <ul>
     *   <li><b>bf16 database:</b> the rows are what they are; candidates can only undo the
     *   queries' rounding. Measured here (bench, D = 128, k = 10, against exact search on the f32
     *   data), the bf16 pass alone keeps 0.994 of the exact top-k on random data and 0.990 on
     *   clustered data, and 3 k candidates add 0.001. So below a target of 0.99 there is no
     *   re-ranking beyond the output (3 k cost 2–4% of the search at Q = 1024); from 0.99, 4 k.</li>
     *   <li><b>f16 database:</b> the product rounds its rows to bf16, and re-ranking restores
     *   them. 3 k candidates lift the recall from 0.991–0.994 to 0.998–0.9997. So k times 2 (r
     *   below 0.9), 3 (below 0.99) or 4.</li>
     * </ul>
     * Re-ranking costs {@code C * D} multiply-adds per query, plus the wider selection.
     */
    public static int candidates(int k, int outSize, double recallTarget, int n, boolean dbBf16) {
        if (outSize >= 4 * k) {
            return Math.min(n, outSize);
        }
        if (dbBf16 && recallTarget < 0.99) {
            return Math.min(n, outSize);
        }
        int factor = recallTarget < 0.9 ? 2 : recallTarget < 0.99 ? 3 : 4;
        return Math.min(n, Math.max(outSize, k * factor));
    }

    /**
     * Runs a fused region whose database operand ({@code rhs}) is bf16 or f16; the queries are
     * f32, or half (widened). Returns {@code [values, indices]} of shape {@code [M, outSize]}.
     *
     * @param candidateOption {@code auto} or a candidate count per query (below the output size
     *                        means the output size: no re-ranking beyond the answer)
     * @param half            {@value SearchOptions#HALF}: {@code auto} (the bf16 gemm where the CPU
     *                        has it) or {@code converted} (tiles widened to f32)
     */
    public static List<INDArray> fused(RegionPlan plan, List<INDArray> inputs, TensorType scoreType, String mode,
                                       String candidateOption, String half) {
        INDArray rhs = NativeViews.dense(inputs.get(plan.rhsInput()));
        int m = scoreType.dim(0);
        int n = scoreType.dim(1);
        int depth = plan.depth();
        float[] queries = queries(inputs.get(plan.lhsInput()), plan.transA(), m, depth);
        SelectionPlan selection = SelectionPlan.of(plan.reduction(), scoreType, mode, true);
        boolean exact = !(plan.reduction() instanceof ApproxTopK a) || !(a.planningRecall() < 1.0);
        boolean bf16Gemm = !exact && HalfProducts.usesBf16Gemm(half);
        int outSize = selection.outSize();
        int c = outSize;
        if (bf16Gemm) {
            int k = ((ApproxTopK) plan.reduction()).params().k();
            c = candidateOption.equals("auto")
                    ? candidates(k, outSize, ((ApproxTopK) plan.reduction()).planningRecall(), n,
                            rhs.dataType() == DataType.BFLOAT16)
                    : Math.min(n, Math.max(outSize, parse(candidateOption)));
        }
        if (selection.usesBins()) {
            c = Math.min(c, selection.binCount());
        }
        SelectionPlan wide = new SelectionPlan(selection.isMax(), c, selection.usesBins() ? 0 : Math.min(c, n),
                selection.binCount(), n);
        SideInputs sides = TopKSearch.sides(plan, inputs, false);
        HalfGemmTiles tiles = new HalfGemmTiles(queries, m, NativeViews.segment(rhs),
                rhs.dataType() == DataType.BFLOAT16, plan.transB(), n, depth, bf16Gemm);
        SearchRun.Result r = BlasThreads.singleThreadedFor(tiles, () ->
                SearchRun.run(m, n, tiles, Kernels.scanner(plan.epilogue(), selection.isMax()), sides, wide));
        SearchRun.Result out = HalfRerank.rerank(r, outSize, plan, queries, NativeViews.segment(rhs),
                rhs.dataType() == DataType.BFLOAT16, n, sides, selection.isMax());
        Reference.reachabilityFence(rhs);
        long[] shape = {m, outSize};
        return List.of(Nd4j.create(out.values(), shape, 'c'), Nd4j.createFromArray(out.indices()).reshape('c', shape));
    }

    /** The path a search over a half database takes here, for the bench (exact searches aside). */
    public static String path() {
        return HalfProducts.path();
    }

    private static int parse(String option) {
        try {
            return Integer.parseInt(option.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(CANDIDATES_OPTION + " must be 'auto' or a number of candidates, got '"
                    + option + "'", e);
        }
    }

    /** The queries as a row-major f32 {@code [m, depth]} array (widened from half, transposed if stored {@code [D, M]}). */
    static float[] queries(INDArray lhs, boolean transA, int m, int depth) {
        INDArray f32 = isHalf(lhs) ? HalfArrays.halfToFloat(lhs) : NativeViews.dense(lhs);
        if (transA) {
            f32 = f32.transpose().dup('c');
        }
        if (f32.dataType() != DataType.FLOAT) {
            f32 = f32.castTo(DataType.FLOAT);
        }
        // one copy straight from the native buffer (ND4J's dup then asFloat made two)
        INDArray dense = NativeViews.dense(f32);
        float[] out = NativeViews.segment(dense).toArray(java.lang.foreign.ValueLayout.JAVA_FLOAT);
        Reference.reachabilityFence(dense);
        return out;
    }
}
