package io.ann4j.runtime.cpu.search;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Scores of one f32 query against bf16 or f16 database rows ({@code [n, depth]}, read in place),
 * with the Vector API: each row is widened in registers and multiplied with the query. oneDNN's
 * bf16 gemm needs an f16 database rounded to bf16 first (a pass over it); this reads it once
 * (measured at N=1M, D=128: f16 38 -> 24 ms, bf16 unchanged at ~19.5). These scores only choose
 * the candidates; the search re-ranks them exactly in f32, so the summation order needs no
 * contract.
 */
final class HalfRowDots {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private HalfRowDots() {}

    /**
     * Whether the kernel applies: one query, whole vectors along the depth. (Several queries
     * would need their vectors in an array, which C2 boxes: measured 4x slower than oneDNN.)
     */
    static boolean applies(int rows, int depth) {
        return rows == 1 && depth % F.length() == 0;
    }

    /**
     * {@code out[c] = sum_d q[d] * db[c0 + c, d]} for {@code c < cols}.
     *
     * @param queries row-major f32 queries; the one used starts at row {@code r0}
     * @param db      raw 16-bit elements {@code [n, depth]}
     */
    static void scores(float[] queries, int r0, MemorySegment db, boolean bf16, int c0, int cols, int depth,
                       MemorySegment out) {
        int lanes = F.length();
        int q0 = r0 * depth;
        long rowBytes = (long) depth * 2;
        for (int c = 0; c < cols; c++) {
            long at = (long) (c0 + c) * rowBytes;
            FloatVector acc = FloatVector.zero(F);
            for (int d = 0; d < depth; d += lanes) {
                acc = HalfConversions.widen(db, at + (long) d * 2, bf16).fma(FloatVector.fromArray(F, queries, q0 + d), acc);
            }
            out.setAtIndex(ValueLayout.JAVA_FLOAT, c, acc.reduceLanes(VectorOperators.ADD));
        }
    }
}
