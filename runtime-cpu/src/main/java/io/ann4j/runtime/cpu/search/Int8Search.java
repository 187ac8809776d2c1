package io.ann4j.runtime.cpu.search;

import io.ann4j.compiler.spi.NativeViews;
import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.ops.ApproxTopK;
import io.ann4j.compiler.spi.PreparedArray;
import io.ann4j.runtime.cpu.kernel.Epilogue;
import io.ann4j.runtime.cpu.kernel.Kernels;
import io.ann4j.runtime.cpu.kernel.SideInputs;
import io.ann4j.runtime.cpu.quant.Int8Queries;
import io.ann4j.runtime.cpu.quant.Int8Quantizer;
import io.ann4j.runtime.cpu.quant.Int8Rows;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An approximate search over an f32 (or bf16, f16) database that spends its recall slack on a
 * cheaper product, in two stages:
 * <ol>
 *   <li>the database and the queries quantized to int8 ({@link Int8Quantizer}: the database once
 *   per {@link PreparedArray prepared} array, else per call), the product on oneDNN's int8 gemm
 *   ({@link Int8GemmTiles}), the approximate scores through the region's epilogue and the usual
 *   threshold selection, keeping {@code C} candidates per query ({@link Int8Candidates});</li>
 *   <li>{@link Rerank}: the candidates, and any row the int8 product cannot score (NaN,
 *   infinities, huge magnitudes: {@link Int8Rows#exactRows}), scored exactly as
 *   the f32 search scores them ({@link CanonicalScores}), the best kept.</li>
 * </ol>
 * The values returned are the f32 search's values at the returned indices, bit for bit (over a half
 * database, those of the f32 search over its rows widened, as {@link HalfSearch} returns); only which
 * indices come back can differ, when a true neighbour's approximate score fell outside the
 * candidates. It runs for {@code approxMaxK}/{@code approxMinK} with a recall target below 1 on
 * f32 scores, the {@code dot(qy, transpose(db))} form (database rows contiguous), the threshold
 * selection, and products of at least {@value #MIN_WORK} multiply-adds (smaller ones are exact:
 * they cost little either way) whose database is prepared or which have at least
 * {@value #UNPREPARED_MIN_QUERIES} queries, unless {@link SearchOptions#PRODUCT} says otherwise.
 */
public final class Int8Search {
    /** Below this many multiply-adds the search stays exact (oneDNN's f32 threshold too). */
    static final long MIN_WORK = 1L << 26;
    /**
     * A database passed as a plain array is quantized on every call: a pass over it that costs
     * more than the int8 product saves for small batches (measured on a Zen 4 at N=1,000,000:
     * Q=1 took 100+ ms that way against 18 on the f32 product). Below this many queries such a
     * search stays on the f32 product; a {@link PreparedArray prepared} database has no such cost.
     */
    static final int UNPREPARED_MIN_QUERIES = 64;
    /** Int32 accumulators hold {@code depth * 255 * 127} for depths up to this. */
    static final int MAX_DEPTH = 66_000;

    private Int8Search() {}

    /**
     * The path an {@code approxMaxK(dot(qy, transpose(db)), k, target)} search of {@code q} f32
     * queries against {@code n} f32 rows (prepared or not) takes here with the default options,
     * for the bench.
     */
    public static String path(int q, int n, int depth, double target, boolean prepared) {
        if (target >= 1.0) {
            return Int8Products.F32 + " (exact: recall target 1)";
        }
        if ((long) q * n * depth < MIN_WORK) {
            return Int8Products.F32 + " (small search)";
        }
        if (!prepared && q < UNPREPARED_MIN_QUERIES) {
            return Int8Products.F32 + " (few queries, database not prepared)";
        }
        return Int8Products.path();
    }

    /** Whether the region's form and the options allow the int8 path (the data may still refuse it). */
    public static boolean applies(RegionPlan plan, List<INDArray> inputs, TensorType scoreType, SearchOptions o) {
        if (!(plan.reduction() instanceof ApproxTopK a) || !(a.planningRecall() < 1.0)
                || !o.selection().equals("threshold") || scoreType.dtype() != DType.F32 || !plan.transB()
                || plan.depth() > MAX_DEPTH || plan.depth() == 0 || !Int8Products.usable(o.product())) {
            return false;
        }
        INDArray rhs = inputs.get(plan.rhsInput());
        INDArray lhs = inputs.get(plan.lhsInput());
        if (!(rhs.dataType() == DataType.FLOAT || HalfSearch.isHalf(rhs))
                || !(lhs.dataType() == DataType.FLOAT || HalfSearch.isHalf(lhs))) {
            return false;
        }
        if (o.product().equals("int8")) {
            return true;
        }
        long work = (long) scoreType.dim(0) * scoreType.dim(1) * plan.depth();
        return work >= MIN_WORK && (scoreType.dim(0) >= UNPREPARED_MIN_QUERIES || PreparedArray.lookup(rhs) != null);
    }

    /**
     * Runs the two stages; returns {@code [values, indices]}, or null where the data asks for the
     * exact path instead: a query the int8 product cannot score (NaN, infinities, magnitudes past
     * {@link Int8Quantizer#MAX_ROW_SCALE}), or more than {@code max(64, n / 64)} database rows it
     * cannot score (each one is re-scored for every query).
     */
    public static List<INDArray> fused(RegionPlan plan, List<INDArray> inputs, TensorType scoreType, SearchOptions o) {
        int m = scoreType.dim(0);
        int n = scoreType.dim(1);
        int depth = plan.depth();
        ApproxTopK a = (ApproxTopK) plan.reduction();
        INDArray rhsIn = inputs.get(plan.rhsInput());
        INDArray rhs = NativeViews.dense(rhsIn);
        MemorySegment rhsSeg = NativeViews.segment(rhs);
        boolean half = HalfSearch.isHalf(rhs);
        boolean bf16 = rhs.dataType() == DataType.BFLOAT16;
        Int8Rows rows = database(rhsIn, rhsSeg, half, bf16, n, depth, o.scaling());
        if (rows.exactRows().length > Math.max(64, n / 64)) {
            return null;
        }
        float[] f32Queries = HalfSearch.queries(inputs.get(plan.lhsInput()), plan.transA(), m, depth);
        Int8Queries queries = Int8Quantizer.queries(f32Queries, m, depth, rows.dimScale());
        if (queries.unscorable()) {
            return null;
        }
        SelectionPlan selection = SelectionPlan.of(a, scoreType, "threshold", true);
        int outSize = selection.outSize();
        int c = Int8Candidates.candidates(a.params().k(), outSize, a.planningRecall(), n, o.int8Candidates());
        SelectionPlan wide = new SelectionPlan(selection.isMax(), c, c, 0, n);
        SideInputs sides = TopKSearch.sides(plan, inputs, false);
        // the scan dequantizes: the region's epilogue over (i * rowScale - offset) * queryScale
        int cols = sides.columns().length;
        Epilogue approximate = Epilogue.int8Scores(plan.epilogue(), cols, cols + 1, sides.rows().length);
        SideInputs withScales = new SideInputs(append(sides.columns(), rows.rowScale(), rows.offset()),
                append(sides.rows(), queries.scale()), sides.scalars(), sides.columnsF64(), sides.rowsF64(),
                sides.scalarsF64());
        // oneDNN alone computes the tiles: OpenBLAS's thread count is left as it is
        SearchRun.Result first = SearchRun.run(m, n, new Int8GemmTiles(queries, rows),
                Kernels.scanner(approximate, selection.isMax()), withScales, wide);
        // the queries in the product's layout, for the canonical (f32 search's) scores
        INDArray lhs = NativeViews.dense(TopKSearch.operand(inputs.get(plan.lhsInput()), DataType.FLOAT));
        MemorySegment lhsSeg = NativeViews.segment(lhs);
        // a half database: the f32 search over its rows widened (as the half search promises)
        SearchRun.Result out = Rerank.rerank(first, outSize, selection.isMax(), rows.exactRows(), half
                ? HalfRerank.scorers(plan, f32Queries, rhsSeg, bf16, n, sides)
                : () -> new ExactScorer(plan, lhsSeg, rhsSeg, m, n, sides));
        Reference.reachabilityFence(lhs);
        Reference.reachabilityFence(rhs);
        long[] shape = {m, outSize};
        return List.of(Nd4j.create(out.values(), shape, 'c'), Nd4j.createFromArray(out.indices()).reshape('c', shape));
    }

    /**
     * The f32 search's value of a (query, row) pair ({@link CanonicalScores}). A query's candidates
     * are random rows of the database, each a miss to memory: in the {@code dot(qy, transpose(db))}
     * form they are scored four at a time ({@link CanonicalScores#rowDots}), so that their loads
     * overlap (measured at Q=1024, N=100,000, 30 candidates: re-ranking 4-8 -> ~2 ms).
     */
    private static final class ExactScorer implements Rerank.Scorer {
        private final RegionPlan plan;
        private final MemorySegment lhs;
        private final MemorySegment rhs;
        private final int m;
        private final int n;
        private final SideInputs sides;
        private final boolean rowMajor;

        ExactScorer(RegionPlan plan, MemorySegment lhs, MemorySegment rhs, int m, int n, SideInputs sides) {
            this.plan = plan;
            this.lhs = lhs;
            this.rhs = rhs;
            this.m = m;
            this.n = n;
            this.sides = sides;
            this.rowMajor = !plan.transA() && plan.transB();
        }

        @Override
        public void scoreAll(int query, int[] rows, int count, float[] out) {
            if (!rowMajor) {
                Rerank.Scorer.super.scoreAll(query, rows, count, out);
                return;
            }
            CanonicalScores.rowDots(lhs, (long) query * plan.depth(), rhs, rows, count, plan.depth(), out);
            for (int i = 0; i < count; i++) {
                out[i] = Epilogue.eval(plan.epilogue(), out[i], query, rows[i], sides);
            }
        }

        @Override
        public float score(int query, int row) {
            return Epilogue.eval(plan.epilogue(), CanonicalScores.dot32(plan, lhs, rhs, m, n, query, row), query, row,
                    sides);
        }
    }

    private static float[][] append(float[][] a, float[]... more) {
        float[][] out = java.util.Arrays.copyOf(a, a.length + more.length);
        System.arraycopy(more, 0, out, a.length, more.length);
        return out;
    }

    /** The database's int8 copy: kept with a prepared array across calls, else made for this call. */
    private static Int8Rows database(INDArray rhsIn, MemorySegment rows, boolean half, boolean bf16, int n, int depth,
                                     Int8Quantizer.Scaling scaling) {
        PreparedArray prepared = PreparedArray.lookup(rhsIn);
        if (prepared == null) {
            return quantize(rows, half, bf16, n, depth, scaling);
        }
        return prepared.derived(new Int8Key(scaling), () -> quantize(rows, half, bf16, n, depth, scaling));
    }

    private static Int8Rows quantize(MemorySegment rows, boolean half, boolean bf16, int n, int depth,
                                     Int8Quantizer.Scaling scaling) {
        Int8Quantizer.RowRanges workers = (count, body) -> SearchRun.forEachRowRange(count, body::rows);
        if (!half) {
            return Int8Quantizer.database(rows, n, depth, scaling, workers);
        }
        // half rows widened to f32 a chunk at a time (exact: every half value is an f32)
        return Int8Quantizer.database((from, count, dst) -> HalfConversions.widen(rows, (long) from * depth, bf16, dst,
                0, count * depth), n, depth, scaling, workers);
    }

    /** A prepared array's int8 copy, per scaling. */
    private record Int8Key(Int8Quantizer.Scaling scaling) {}
}
