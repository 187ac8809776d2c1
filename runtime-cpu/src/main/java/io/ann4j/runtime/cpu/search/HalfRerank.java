package io.ann4j.runtime.cpu.search;

import io.ann4j.runtime.cpu.kernel.Epilogue;
import io.ann4j.runtime.cpu.kernel.SideInputs;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * The second stage of a half-precision search ({@link Rerank}) with the half database's exact
 * scores: each query's candidates re-scored exactly in f32. A score is the one {@link CanonicalScores} gives the f32 search over the
 * widened database (the same sum in the same order, then the epilogue), so a half search returns
 * the f32 search's values bit for bit, sharded or not.
 */
final class HalfRerank {
    private static final jdk.incubator.vector.VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private HalfRerank() {}

    /**
     * @param r       the first stage: {@code [rows, C]} candidates per query (padding: index -1)
     * @param queries row-major f32 {@code [rows, depth]}
     * @param db      raw half elements, {@code [n, depth]} ({@code plan.transB()}) or {@code [depth, n]}
     */
    static SearchRun.Result rerank(SearchRun.Result r, int outSize, RegionPlan plan, float[] queries,
                                   MemorySegment db, boolean bf16, int n, SideInputs sides, boolean isMax) {
        return Rerank.rerank(r, outSize, isMax, new int[0], scorers(plan, queries, db, bf16, n, sides));
    }

    /** Exact scorers over the widened half rows, one per worker (each with its scratch). */
    static java.util.function.Supplier<Rerank.Scorer> scorers(RegionPlan plan, float[] queries, MemorySegment db,
                                                              boolean bf16, int n, SideInputs sides) {
        int depth = plan.depth();
        boolean rowMajor = !plan.transA() && plan.transB();
        return () -> {
            float[] row = new float[depth];
            float[] lanes = new float[F.length()];
            return (qi, j) -> {
                float dot;
                if (rowMajor) {
                    dot = halfRowDot(queries, qi * depth, db, (long) j * depth, bf16, depth, lanes);
                } else {
                    widenRow(db, bf16, plan.transB(), n, depth, j, row);
                    dot = sequentialDot(queries, qi * depth, row, depth);
                }
                return Epilogue.eval(plan.epilogue(), dot, qi, j, sides);
            };
        };
    }

    /**
     * {@link CanonicalScores#rowDot} of an f32 query and a half row widened on the fly, in the
     * same order (lane-wise FMAs, lanes summed in order, then the tail), so the same bits.
     */
    private static float halfRowDot(float[] q, int qFrom, MemorySegment db, long rowFrom, boolean bf16, int depth,
                                    float[] lanes) {
        int width = F.length();
        int bound = depth - depth % width;
        FloatVector acc = FloatVector.zero(F);
        for (int d = 0; d < bound; d += width) {
            acc = FloatVector.fromArray(F, q, qFrom + d).fma(HalfConversions.widen(db, (rowFrom + d) * 2, bf16), acc);
        }
        acc.intoArray(lanes, 0);
        float s = 0;
        for (float x : lanes) {
            s += x;
        }
        for (int d = bound; d < depth; d++) {
            short h = db.getAtIndex(java.lang.foreign.ValueLayout.JAVA_SHORT, rowFrom + d);
            s += q[qFrom + d] * (bf16 ? io.ann4j.compiler.spi.HalfArrays.fromBf16Bits(h) : Float.float16ToFloat(h));
        }
        return s;
    }

    /** Row {@code j} of the database, widened to f32. */
    private static void widenRow(MemorySegment db, boolean bf16, boolean transB, int n, int depth, int j, float[] row) {
        if (transB) {
            HalfConversions.widen(db, (long) j * depth, bf16, row, 0, depth);
            return;
        }
        for (int d = 0; d < depth; d++) {
            short h = db.getAtIndex(java.lang.foreign.ValueLayout.JAVA_SHORT, (long) d * n + j);
            row[d] = bf16 ? io.ann4j.compiler.spi.HalfArrays.fromBf16Bits(h) : Float.float16ToFloat(h);
        }
    }

    /** The order {@link CanonicalScores} sums in for layouts other than {@code dot(qy, transpose(db))}. */
    private static float sequentialDot(float[] q, int from, float[] row, int depth) {
        float s = 0;
        for (int d = 0; d < depth; d++) {
            s += q[from + d] * row[d];
        }
        return s;
    }
}
