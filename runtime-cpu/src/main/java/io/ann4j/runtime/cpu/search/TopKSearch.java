package io.ann4j.runtime.cpu.search;

import io.ann4j.compiler.spi.NativeViews;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.ops.Op;
import io.ann4j.runtime.cpu.kernel.Epilogue;
import io.ann4j.runtime.cpu.kernel.Kernels;
import io.ann4j.runtime.cpu.kernel.ScalarScanner;
import io.ann4j.runtime.cpu.kernel.SideInputs;
import io.ann4j.runtime.cpu.kernel.TileScanner;
import java.lang.ref.Reference;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The two ways a top-k runs on the CPU: fused over a matrix product computed in tiles, or over
 * an operand in memory. Both use the same kernels and the same selection.
 */
public final class TopKSearch {
    private TopKSearch() {}

    /**
     * Runs a fused region on f32 or f64 inputs; returns {@code [values, indices]} of shape
     * {@code [M, outSize]}.
     */
    public static List<INDArray> fused(RegionPlan plan, List<INDArray> inputs, TensorType scoreType, String mode) {
        return fused(plan, inputs, scoreType, SearchOptions.DEFAULTS.withSelection(mode).withProduct("auto"));
    }

    /**
     * As {@link #fused(RegionPlan, List, TensorType, String)} with all the options: an approximate
     * search runs the int8 search ({@link Int8Search}) where it applies; else a bf16 or f16
     * database (given as such: see {@link #acceptsHalf}) runs the half-precision search
     * ({@link HalfSearch}).
     */
    public static List<INDArray> fused(RegionPlan plan, List<INDArray> inputs, TensorType scoreType,
                                       SearchOptions options) {
        String mode = options.selection();
        if (Int8Search.applies(plan, inputs, scoreType, options)) {
            List<INDArray> r = Int8Search.fused(plan, inputs, scoreType, options);
            if (r != null) {
                return r;
            }
        }
        if (HalfSearch.isHalf(inputs.get(plan.rhsInput())) && scoreType.dtype() != io.ann4j.compiler.ir.DType.F64) {
            return HalfSearch.fused(plan, inputs, scoreType, mode, options.halfCandidates(), options.half());
        }
        DataType scores = scoreType.dtype() == io.ann4j.compiler.ir.DType.F64 ? DataType.DOUBLE : DataType.FLOAT;
        INDArray lhs = NativeViews.dense(operand(inputs.get(plan.lhsInput()), scores));
        INDArray rhs = NativeViews.dense(operand(inputs.get(plan.rhsInput()), scores));
        boolean f64 = lhs.dataType() == DataType.DOUBLE;
        int m = scoreType.dim(0);
        int n = scoreType.dim(1);
        SelectionPlan selection = SelectionPlan.of(plan.reduction(), scoreType, mode, !f64);
        SideInputs sides = sides(plan, inputs, f64);
        TileScanner scanner = scanner(plan.epilogue(), selection.isMax(), f64);
        TileSource tiles = useSmallBatchKernel(plan.transA(), plan.transB(), m, f64, options.smallBatch())
                ? new SmallBatchTiles(lhs, rhs, plan.depth())
                : new GemmTiles(lhs, plan.transA(), rhs, plan.transB(), plan.depth());
        SearchRun.Result r = BlasThreads.singleThreadedFor(tiles, () -> SearchRun.run(m, n, tiles, scanner, sides, selection));
        CanonicalScores.apply(r, plan, NativeViews.segment(lhs), NativeViews.segment(rhs), m, n, sides,
                selection.isMax(), f64);
        Reference.reachabilityFence(lhs);
        Reference.reachabilityFence(rhs);
        return arrays(r, f64);
    }

    /**
     * Whether region input {@code input} may be given in its half-precision storage (the
     * database and the queries of the product), not widened to f32 first.
     */
    public static boolean acceptsHalf(RegionPlan plan, int input) {
        return input == plan.lhsInput() || input == plan.rhsInput();
    }

    /** A product operand in the product's dtype (half operands widened bit for bit). */
    static INDArray operand(INDArray a, DataType scores) {
        INDArray f = HalfSearch.isHalf(a) ? io.ann4j.compiler.spi.HalfArrays.halfToFloat(a) : a;
        return f.dataType() == scores ? f : f.castTo(scores);
    }

    /**
     * Top-k of each row of a dense {@code [rows, n]} f32 or f64 operand; returns
     * {@code [values, indices]} of shape {@code [rows, outSize]}.
     */
    public static List<INDArray> rows(Op reduction, TensorType operandType, INDArray operand2d, String mode) {
        INDArray dense = NativeViews.dense(operand2d);
        boolean f64 = dense.dataType() == DataType.DOUBLE;
        int rows = (int) dense.size(0);
        int n = (int) dense.size(1);
        SelectionPlan selection = SelectionPlan.of(reduction, operandType, mode, !f64);
        TileScanner scanner = scanner(new Epilogue.Score(), selection.isMax(), f64);
        SearchRun.Result r = SearchRun.run(rows, n, new OperandTiles(dense, n), scanner, SideInputs.NONE, selection);
        Reference.reachabilityFence(dense);
        return arrays(r, f64);
    }

    /**
     * Batches of {@link SmallBatchTiles#MIN_QUERIES} to {@link SmallBatchTiles#MAX_QUERIES} f32
     * queries against a row-major database run the small-batch kernel. Measured at N=1,000,000,
     * D=128 on a Zen 4, against oneDNN's tiles: Q=4 38.5 against 42.8 ms, Q=6 37.1 against 45.3,
     * Q=8 36.7 against 47.7 (128- and 256-bit lanes), Q=16 49.9 against 78.7, Q=32 68.9 against
     * 97.3, Q=64 120 against 135.5; at Q=2 the tiles win (30.7 against 34.8).
     * {@value SearchOptions#SMALL_BATCH} {@code = false} keeps every batch on the tiles.
     */
    static boolean useSmallBatchKernel(boolean transA, boolean transB, int queries, boolean f64, boolean smallBatch) {
        return smallBatch && !f64 && queries >= SmallBatchTiles.MIN_QUERIES && queries <= SmallBatchTiles.MAX_QUERIES
                && !transA && transB;
    }

    /**
     * Which product a fused f32 search of {@code queries [Q, D]} against a database {@code [N, D]}
     * runs on, by the same rules the search applies: for the bench's {@code path}.
     */
    public static String productPath(int queries, int rows, int depth) {
        if (queries == 1) {
            return "openblas gemv";
        }
        if (useSmallBatchKernel(false, true, queries, false, CpuDefaults.SMALL_BATCH)) {
            return "small-batch kernel";
        }
        return (GemmTiles.usesOneDnn(queries, rows, depth, false) ? "onednn" : "openblas") + " tiles";
    }

    /**
     * Makes the kernel of a top-k ready at compile time (generated and compiled, or loaded from
     * the kernel cache), so that compiling a graph pays for it, not its first run.
     */
    public static void prepareKernel(Epilogue epilogue, Op reduction, TensorType scores) {
        if (scores.dtype() != io.ann4j.compiler.ir.DType.F64) {
            boolean isMax = !(reduction instanceof io.ann4j.compiler.ops.ApproxTopK a) || a.params().isMaxK();
            Kernels.scanner(epilogue, isMax);
        }
    }

    private static TileScanner scanner(Epilogue e, boolean isMax, boolean f64) {
        return f64 ? new ScalarScanner(e, isMax, true) : Kernels.scanner(e, isMax);
    }

    /**
     * A side input's elements in one bulk copy. ND4J's {@code toFloatVector} copied element by
     * element: a store's two per-row vectors over 1,048,576 rows (inverse norms and mask) took ~44
     * ms a search that way, a third of the whole search, measured on a Zen 4.
     */
    private static float[] floats(INDArray a) {
        if (a.dataType() != DataType.FLOAT) {
            return a.toFloatVector();
        }
        INDArray d = NativeViews.dense(a);
        float[] out = new float[Math.toIntExact(d.length())];
        java.lang.foreign.MemorySegment.copy(NativeViews.segment(d), java.lang.foreign.ValueLayout.JAVA_FLOAT, 0, out, 0, out.length);
        Reference.reachabilityFence(d);
        return out;
    }

    static SideInputs sides(RegionPlan plan, List<INDArray> inputs, boolean f64) {
        int nc = plan.columnInputs().size();
        int nr = plan.rowInputs().size();
        int ns = plan.scalarInputs().size();
        if (f64) {
            double[][] cols = new double[nc][];
            double[][] rows = new double[nr][];
            double[] scalars = new double[ns];
            for (int i = 0; i < nc; i++) {
                cols[i] = inputs.get(plan.columnInputs().get(i)).toDoubleVector();
            }
            for (int i = 0; i < nr; i++) {
                rows[i] = inputs.get(plan.rowInputs().get(i)).toDoubleVector();
            }
            for (int i = 0; i < ns; i++) {
                scalars[i] = inputs.get(plan.scalarInputs().get(i)).getDouble(0);
            }
            return new SideInputs(new float[0][], new float[0][], new float[0], cols, rows, scalars);
        }
        float[][] cols = new float[nc][];
        float[][] rows = new float[nr][];
        float[] scalars = new float[ns];
        for (int i = 0; i < nc; i++) {
            cols[i] = floats(inputs.get(plan.columnInputs().get(i)));
        }
        for (int i = 0; i < nr; i++) {
            rows[i] = floats(inputs.get(plan.rowInputs().get(i)));
        }
        for (int i = 0; i < ns; i++) {
            scalars[i] = inputs.get(plan.scalarInputs().get(i)).getFloat(0);
        }
        return new SideInputs(cols, rows, scalars, new double[0][], new double[0][], new double[0]);
    }

    private static List<INDArray> arrays(SearchRun.Result r, boolean f64) {
        long[] shape = {r.rows(), r.outSize()};
        INDArray values = f64 ? Nd4j.create(r.valuesF64(), shape, 'c') : Nd4j.create(r.values(), shape, 'c');
        INDArray indices = Nd4j.createFromArray(r.indices()).reshape('c', shape);
        return List.of(values, indices);
    }
}
