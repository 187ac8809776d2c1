package io.ann4j.runtime.cpu.search;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link SmallBatchTiles}' register block for batches that fill only a 128- or 256-bit vector
 * (2 to 4, or 5 to 8 queries): the same queries-in-lanes FMAs at the narrow width, so that no
 * lane of a 512-bit vector idles. On a Zen 4 a 128- or 256-bit FMA issues twice a cycle where a
 * 512-bit one issues once, so a small batch costs what its multiply-adds cost. Each species is a
 * constant of its own method: the JIT compiles vector code only for a constant species.
 */
final class NarrowBatchKernels {
    static final VectorSpecies<Float> F128 = FloatVector.SPECIES_128;
    static final VectorSpecies<Float> F256 = FloatVector.SPECIES_256;

    private NarrowBatchKernels() {}

    /** Scores of the 8 database rows at {@code rows[r..]} (each {@code depth} long) against 4 queries, into {@code out[row * 4 + lane]}. */
    static void block128(float[] qt, float[] rows, int r, int depth, float[] out) {
        int lanes = F128.length();
        FloatVector a0 = FloatVector.zero(F128), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int d = 0; d < depth; d++) {
            FloatVector q = FloatVector.fromArray(F128, qt, d * lanes);
            int at = r + d;
            a0 = q.fma(FloatVector.broadcast(F128, rows[at]), a0);
            a1 = q.fma(FloatVector.broadcast(F128, rows[at + depth]), a1);
            a2 = q.fma(FloatVector.broadcast(F128, rows[at + 2 * depth]), a2);
            a3 = q.fma(FloatVector.broadcast(F128, rows[at + 3 * depth]), a3);
            a4 = q.fma(FloatVector.broadcast(F128, rows[at + 4 * depth]), a4);
            a5 = q.fma(FloatVector.broadcast(F128, rows[at + 5 * depth]), a5);
            a6 = q.fma(FloatVector.broadcast(F128, rows[at + 6 * depth]), a6);
            a7 = q.fma(FloatVector.broadcast(F128, rows[at + 7 * depth]), a7);
        }
        a0.intoArray(out, 0);
        a1.intoArray(out, lanes);
        a2.intoArray(out, 2 * lanes);
        a3.intoArray(out, 3 * lanes);
        a4.intoArray(out, 4 * lanes);
        a5.intoArray(out, 5 * lanes);
        a6.intoArray(out, 6 * lanes);
        a7.intoArray(out, 7 * lanes);
    }

    /** {@link #block128} for 8 queries. */
    static void block256(float[] qt, float[] rows, int r, int depth, float[] out) {
        int lanes = F256.length();
        FloatVector a0 = FloatVector.zero(F256), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int d = 0; d < depth; d++) {
            FloatVector q = FloatVector.fromArray(F256, qt, d * lanes);
            int at = r + d;
            a0 = q.fma(FloatVector.broadcast(F256, rows[at]), a0);
            a1 = q.fma(FloatVector.broadcast(F256, rows[at + depth]), a1);
            a2 = q.fma(FloatVector.broadcast(F256, rows[at + 2 * depth]), a2);
            a3 = q.fma(FloatVector.broadcast(F256, rows[at + 3 * depth]), a3);
            a4 = q.fma(FloatVector.broadcast(F256, rows[at + 4 * depth]), a4);
            a5 = q.fma(FloatVector.broadcast(F256, rows[at + 5 * depth]), a5);
            a6 = q.fma(FloatVector.broadcast(F256, rows[at + 6 * depth]), a6);
            a7 = q.fma(FloatVector.broadcast(F256, rows[at + 7 * depth]), a7);
        }
        a0.intoArray(out, 0);
        a1.intoArray(out, lanes);
        a2.intoArray(out, 2 * lanes);
        a3.intoArray(out, 3 * lanes);
        a4.intoArray(out, 4 * lanes);
        a5.intoArray(out, 5 * lanes);
        a6.intoArray(out, 6 * lanes);
        a7.intoArray(out, 7 * lanes);
    }
}
