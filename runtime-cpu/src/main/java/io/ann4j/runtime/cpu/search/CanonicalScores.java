package io.ann4j.runtime.cpu.search;

import io.ann4j.compiler.ops.TotalOrder;
import io.ann4j.runtime.cpu.kernel.Epilogue;
import io.ann4j.runtime.cpu.kernel.SideInputs;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Recomputes the returned scores of a fused search in one fixed order (a sequential sum over the
 * contracted dimension, then the epilogue), and re-sorts each row by them. BLAS libraries sum in
 * an order that depends on the product's shape and on which library ran the tile, so the same
 * query and row could score differently in the last bit in a shard and in the whole database;
 * with canonical scores a sharded search (pmap, Spark) returns exactly the values of the
 * unsharded one. The cost is k dot products per query.
 */
final class CanonicalScores {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private CanonicalScores() {}

    /**
     * The dot product of two contiguous f32 rows in one fixed order: lane-wise FMAs over full
     * vectors, the lanes summed in order, then the tail in sequence. Deterministic for given rows,
     * whatever the shape of the search they come from.
     */
    static float rowDot(MemorySegment a, long aStart, MemorySegment b, long bStart, int depth) {
        int lanes = F.length();
        int bound = depth - depth % lanes;
        FloatVector acc = FloatVector.zero(F);
        for (int d = 0; d < bound; d += lanes) {
            acc = FloatVector.fromMemorySegment(F, a, (aStart + d) * 4, ByteOrder.nativeOrder())
                    .fma(FloatVector.fromMemorySegment(F, b, (bStart + d) * 4, ByteOrder.nativeOrder()), acc);
        }
        // Not reduceLanes: its order of additions is unspecified and differs between the
        // interpreter and compiled code, so the lanes are summed in order here.
        float[] lanesOut = new float[lanes];
        acc.intoArray(lanesOut, 0);
        float s = 0;
        for (float x : lanesOut) {
            s += x;
        }
        for (int d = bound; d < depth; d++) {
            s += a.getAtIndex(ValueLayout.JAVA_FLOAT, aStart + d) * b.getAtIndex(ValueLayout.JAVA_FLOAT, bStart + d);
        }
        return s;
    }

    /**
     * {@link #rowDot} of one row of {@code a} with rows {@code rows[0..count)} of {@code b}, into
     * {@code out}: the same operations in the same order for each row, so the same bits, but four
     * rows at a time, so that their loads from memory and their chains of additions overlap
     * (measured: 55 -> ~15 ns per dot of D=128 in cache, 170 -> ~50 ns from memory).
     */
    static void rowDots(MemorySegment a, long aStart, MemorySegment b, int[] rows, int count, int depth, float[] out) {
        int lanes = F.length();
        int bound = depth - depth % lanes;
        float[] l0 = new float[lanes];
        float[] l1 = new float[lanes];
        float[] l2 = new float[lanes];
        float[] l3 = new float[lanes];
        int i = 0;
        for (; i + 4 <= count; i += 4) {
            long b0 = (long) rows[i] * depth;
            long b1 = (long) rows[i + 1] * depth;
            long b2 = (long) rows[i + 2] * depth;
            long b3 = (long) rows[i + 3] * depth;
            FloatVector acc0 = FloatVector.zero(F);
            FloatVector acc1 = FloatVector.zero(F);
            FloatVector acc2 = FloatVector.zero(F);
            FloatVector acc3 = FloatVector.zero(F);
            for (int d = 0; d < bound; d += lanes) {
                FloatVector q = FloatVector.fromMemorySegment(F, a, (aStart + d) * 4, ByteOrder.nativeOrder());
                acc0 = q.fma(FloatVector.fromMemorySegment(F, b, (b0 + d) * 4, ByteOrder.nativeOrder()), acc0);
                acc1 = q.fma(FloatVector.fromMemorySegment(F, b, (b1 + d) * 4, ByteOrder.nativeOrder()), acc1);
                acc2 = q.fma(FloatVector.fromMemorySegment(F, b, (b2 + d) * 4, ByteOrder.nativeOrder()), acc2);
                acc3 = q.fma(FloatVector.fromMemorySegment(F, b, (b3 + d) * 4, ByteOrder.nativeOrder()), acc3);
            }
            acc0.intoArray(l0, 0);
            acc1.intoArray(l1, 0);
            acc2.intoArray(l2, 0);
            acc3.intoArray(l3, 0);
            float s0 = 0;
            float s1 = 0;
            float s2 = 0;
            float s3 = 0;
            for (int x = 0; x < lanes; x++) {
                s0 += l0[x];
                s1 += l1[x];
                s2 += l2[x];
                s3 += l3[x];
            }
            for (int d = bound; d < depth; d++) {
                float q = a.getAtIndex(ValueLayout.JAVA_FLOAT, aStart + d);
                s0 += q * b.getAtIndex(ValueLayout.JAVA_FLOAT, b0 + d);
                s1 += q * b.getAtIndex(ValueLayout.JAVA_FLOAT, b1 + d);
                s2 += q * b.getAtIndex(ValueLayout.JAVA_FLOAT, b2 + d);
                s3 += q * b.getAtIndex(ValueLayout.JAVA_FLOAT, b3 + d);
            }
            out[i] = s0;
            out[i + 1] = s1;
            out[i + 2] = s2;
            out[i + 3] = s3;
        }
        for (; i < count; i++) {
            out[i] = rowDot(a, aStart, b, (long) rows[i] * depth, depth);
        }
    }

    static void apply(SearchRun.Result r, RegionPlan plan, MemorySegment lhs, MemorySegment rhs, int m, int n,
                      SideInputs sides, boolean isMax, boolean f64) {
        int k = r.outSize();
        for (int q = 0; q < r.rows(); q++) {
            int base = q * k;
            int count = 0;
            while (count < k && r.indices()[base + count] >= 0) {
                count++; // padding (index -1) comes last and stays there
            }
            int[] idx = Arrays.copyOfRange(r.indices(), base, base + count);
            double[] vals = new double[count];
            long[] keys = new long[count];
            for (int i = 0; i < count; i++) {
                int j = idx[i];
                vals[i] = f64 ? Epilogue.evalDouble(plan.epilogue(), dot64(plan, lhs, rhs, m, n, q, j), q, j, sides)
                        : Epilogue.eval(plan.epilogue(), dot32(plan, lhs, rhs, m, n, q, j), q, j, sides);
                keys[i] = f64 ? TotalOrder.selectKey(vals[i], isMax) : TotalOrder.selectKey((float) vals[i], isMax);
            }
            // best first: key descending, then index ascending, as the selection orders ties
            Integer[] order = new Integer[count];
            for (int i = 0; i < count; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (x, y) -> keys[x] != keys[y] ? Long.compare(keys[y], keys[x]) : Integer.compare(idx[x], idx[y]));
            for (int i = 0; i < count; i++) {
                r.indices()[base + i] = idx[order[i]];
                if (f64) {
                    r.valuesF64()[base + i] = vals[order[i]];
                } else {
                    r.values()[base + i] = (float) vals[order[i]];
                }
            }
        }
    }

    static float dot32(RegionPlan plan, MemorySegment lhs, MemorySegment rhs, int m, int n, int q, int j) {
        int depth = plan.depth();
        if (!plan.transA() && plan.transB()) {
            return rowDot(lhs, (long) q * depth, rhs, (long) j * depth, depth);
        }
        float s = 0;
        for (int d = 0; d < depth; d++) {
            s += lhs.getAtIndex(ValueLayout.JAVA_FLOAT, lhsAt(plan, m, q, d))
                    * rhs.getAtIndex(ValueLayout.JAVA_FLOAT, rhsAt(plan, n, j, d));
        }
        return s;
    }

    private static double dot64(RegionPlan plan, MemorySegment lhs, MemorySegment rhs, int m, int n, int q, int j) {
        double s = 0;
        for (int d = 0; d < plan.depth(); d++) {
            s += lhs.getAtIndex(ValueLayout.JAVA_DOUBLE, lhsAt(plan, m, q, d))
                    * rhs.getAtIndex(ValueLayout.JAVA_DOUBLE, rhsAt(plan, n, j, d));
        }
        return s;
    }

    private static long lhsAt(RegionPlan plan, int m, int q, int d) {
        return plan.transA() ? (long) d * m + q : (long) q * plan.depth() + d;
    }

    private static long rhsAt(RegionPlan plan, int n, int j, int d) {
        return plan.transB() ? (long) j * plan.depth() + d : (long) d * n + j;
    }
}
