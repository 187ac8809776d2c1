package io.ann4j.runtime.cpu.search;

import io.ann4j.compiler.ops.TotalOrder;
import io.ann4j.runtime.cpu.kernel.Epilogue;
import io.ann4j.runtime.cpu.kernel.SideInputs;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The second stage of a half-precision search: each query's candidates re-scored exactly in f32
 * and the best {@code outSize} kept, best first (key descending, then index ascending, the
 * selection's order). A score is the one {@link CanonicalScores} gives the f32 search over the
 * widened database (the same sum in the same order, then the epilogue), so a half search returns
 * the f32 search's values bit for bit, sharded or not.
 */
final class HalfRerank {
    private HalfRerank() {}

    /**
     * @param r       the first stage: {@code [rows, C]} candidates per query (padding: index -1)
     * @param queries row-major f32 {@code [rows, depth]}
     * @param db      raw half elements, {@code [n, depth]} ({@code plan.transB()}) or {@code [depth, n]}
     */
    static SearchRun.Result rerank(SearchRun.Result r, int outSize, RegionPlan plan, float[] queries,
                                   MemorySegment db, boolean bf16, int n, SideInputs sides, boolean isMax) {
        SearchRun.Result out = new SearchRun.Result(new float[r.rows() * outSize], null, new int[r.rows() * outSize],
                r.rows(), outSize);
        // Queries are independent: ranges of them are re-ranked on the search's workers.
        SearchRun.forEachRowRange(r.rows(), (from, to) -> rerankRows(r, out, from, to, plan, queries, db, bf16, n,
                sides, isMax));
        return out;
    }

    private static void rerankRows(SearchRun.Result r, SearchRun.Result out, int from, int to, RegionPlan plan,
                                   float[] queries, MemorySegment db, boolean bf16, int n, SideInputs sides,
                                   boolean isMax) {
        int depth = plan.depth();
        int c = r.outSize();
        int outSize = out.outSize();
        MemorySegment q = MemorySegment.ofArray(queries);
        float[] row = new float[depth];
        MemorySegment rowSegment = MemorySegment.ofArray(row);
        int[] idx = new int[c];
        float[] vals = new float[c];
        long[] keys = new long[c];
        Integer[] order = new Integer[c];
        for (int qi = from; qi < to; qi++) {
            int count = 0;
            while (count < c && r.indices()[qi * c + count] >= 0) {
                idx[count] = r.indices()[qi * c + count];
                count++;
            }
            for (int i = 0; i < count; i++) {
                int j = idx[i];
                widenRow(db, bf16, plan.transB(), n, depth, j, row);
                float dot = plan.transA() || !plan.transB()
                        ? sequentialDot(queries, qi * depth, row, depth)
                        : CanonicalScores.rowDot(q, (long) qi * depth, rowSegment, 0, depth);
                vals[i] = Epilogue.eval(plan.epilogue(), dot, qi, j, sides);
                keys[i] = TotalOrder.selectKey(vals[i], isMax);
                order[i] = i;
            }
            Arrays.sort(order, 0, count,
                    (x, y) -> keys[x] != keys[y] ? Long.compare(keys[y], keys[x]) : Integer.compare(idx[x], idx[y]));
            int base = qi * outSize;
            for (int i = 0; i < outSize; i++) {
                boolean present = i < count;
                out.indices()[base + i] = present ? idx[order[i]] : -1;
                out.values()[base + i] = present ? vals[order[i]]
                        : (isMax ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY);
            }
        }
    }

    /** Row {@code j} of the database, widened to f32. */
    private static void widenRow(MemorySegment db, boolean bf16, boolean transB, int n, int depth, int j, float[] row) {
        if (transB) {
            HalfConversions.widen(db, (long) j * depth, bf16, row, 0, depth);
            return;
        }
        for (int d = 0; d < depth; d++) {
            short h = db.getAtIndex(java.lang.foreign.ValueLayout.JAVA_SHORT, (long) d * n + j);
            row[d] = bf16 ? io.ann4j.runtime.cpu.dense.Rounding.fromBf16Bits(h) : Float.float16ToFloat(h);
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
