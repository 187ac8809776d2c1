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

    static void apply(SearchRun.Result r, RegionPlan plan, MemorySegment lhs, MemorySegment rhs, int m, int n,
                      SideInputs sides, boolean isMax, boolean f64) {
        int depth = plan.depth();
        int k = r.outSize();
        long[] packed = new long[k];
        double[] values = new double[k];
        for (int q = 0; q < r.rows(); q++) {
            int base = q * k;
            int count = 0;
            for (int i = 0; i < k; i++) {
                int j = r.indices()[base + i];
                if (j < 0) {
                    break; // padding comes last and stays there
                }
                double s = 0;
                float sf = 0;
                if (!f64 && !plan.transA() && plan.transB()) {
                    sf = rowDot(lhs, (long) q * depth, rhs, (long) j * depth, depth);
                } else {
                    for (int d = 0; d < depth; d++) {
                        long a = plan.transA() ? (long) d * m + q : (long) q * depth + d;
                        long b = plan.transB() ? (long) j * depth + d : (long) d * n + j;
                        if (f64) {
                            s += lhs.getAtIndex(ValueLayout.JAVA_DOUBLE, a) * rhs.getAtIndex(ValueLayout.JAVA_DOUBLE, b);
                        } else {
                            sf += lhs.getAtIndex(ValueLayout.JAVA_FLOAT, a) * rhs.getAtIndex(ValueLayout.JAVA_FLOAT, b);
                        }
                    }
                }
                double v = f64 ? Epilogue.evalDouble(plan.epilogue(), s, q, j, sides)
                        : Epilogue.eval(plan.epilogue(), sf, q, j, sides);
                values[i] = v;
                long key = f64 ? TotalOrder.selectKey(v, isMax) : TotalOrder.selectKey((float) v, isMax);
                // best first: key descending, then index ascending (as the selection orders ties)
                packed[count++] = f64 ? 0 : (((long) (int) key) << 32) | (~j & 0xffffffffL);
            }
            if (f64) {
                Integer[] order = new Integer[count];
                for (int i = 0; i < count; i++) {
                    order[i] = i;
                }
                int[] idx = Arrays.copyOfRange(r.indices(), base, base + count);
                double[] vals = Arrays.copyOf(values, count);
                Arrays.sort(order, (x, y) -> {
                    int c = Long.compare(TotalOrder.selectKey(vals[y], isMax), TotalOrder.selectKey(vals[x], isMax));
                    return c != 0 ? c : Integer.compare(idx[x], idx[y]);
                });
                for (int i = 0; i < count; i++) {
                    r.valuesF64()[base + i] = vals[order[i]];
                    r.indices()[base + i] = idx[order[i]];
                }
            } else {
                Arrays.sort(packed, 0, count);
                for (int i = 0; i < count; i++) {
                    long p = packed[count - 1 - i];
                    r.values()[base + i] = TotalOrder.valueOfSelectKey((int) (p >> 32), isMax);
                    r.indices()[base + i] = ~(int) p;
                }
            }
        }
    }
}
