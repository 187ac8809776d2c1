package io.ann4j.runtime.cpu.search;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Scores for small batches (a few queries over a large database): a Vector API micro-kernel
 * that reads each database row once per tile and dots it with every query while both are in L1.
 * OpenBLAS sgemm packs the database tile first and reaches only ~24 GFLOP/s per core at Q=16
 * (measured here), where this pass is bound by reading the database. Layout: queries
 * {@code [Q, D]} and database {@code [N, D]}, both row-major f32 (the {@code dot(qy,
 * transpose(db))} form); 4 database rows x 4 queries per register block. Its cost is the horizontal sums (one per 8 FMAs at D=128, summed in lane order so that scores do not depend on the JIT), so it wins only for the smallest batches.
 */
public final class SmallBatchTiles implements TileSource {
    /** The largest batch this kernel serves: above it tiled sgemm wins (measured: Q=8 78 vs 88 ms, Q=16 127 vs 90 ms at N=1M). */
    public static final int MAX_QUERIES = 8;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private final MemorySegment qy;
    private final MemorySegment db;
    private final int depth;

    /** @param qy dense f32 {@code [Q, D]}; @param db dense f32 {@code [N, D]} */
    public SmallBatchTiles(INDArray qy, INDArray db, int depth) {
        this.qy = NativeArrays.segment(qy);
        this.db = NativeArrays.segment(db);
        this.depth = depth;
    }

    @Override
    public boolean f64() {
        return false;
    }

    private record HeapBuffer(float[] data, MemorySegment segment) implements Buffer {
        @Override
        public void close() { }
    }

    @Override
    public Buffer newBuffer(int maxRows, int maxCols) {
        float[] data = new float[maxRows * maxCols];
        return new HeapBuffer(data, MemorySegment.ofArray(data));
    }

    @Override
    public MemorySegment tile(Buffer buffer, int r0, int rows, int c0, int cols) {
        float[] out = ((HeapBuffer) buffer).data();
        float[] scratch = new float[F.length()];
        int q = 0;
        for (; q + 4 <= rows; q += 4) {
            int j = 0;
            for (; j + 4 <= cols; j += 4) {
                block4x4(out, cols, r0 + q, q, c0 + j, j, scratch);
            }
            for (; j < cols; j++) {
                for (int qq = q; qq < q + 4; qq++) {
                    out[qq * cols + j] = dot(r0 + qq, c0 + j);
                }
            }
        }
        for (; q < rows; q++) {
            for (int j = 0; j < cols; j++) {
                out[q * cols + j] = dot(r0 + q, c0 + j);
            }
        }
        return ((HeapBuffer) buffer).segment();
    }

    /** 16 dot products: queries gq..gq+3 with database rows gj..gj+3, kept in 16 accumulators. */
    private void block4x4(float[] out, int ld, int gq, int lq, int gj, int lj, float[] scratch) {
        long qb = (long) gq * depth * 4;
        long db0 = (long) gj * depth * 4;
        long rowBytes = (long) depth * 4;
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        int lanes = F.length();
        int bound = depth - depth % lanes;
        for (int d = 0; d < bound; d += lanes) {
            long o = (long) d * 4;
            FloatVector b0 = FloatVector.fromMemorySegment(F, db, db0 + o, ORDER);
            FloatVector b1 = FloatVector.fromMemorySegment(F, db, db0 + rowBytes + o, ORDER);
            FloatVector b2 = FloatVector.fromMemorySegment(F, db, db0 + 2 * rowBytes + o, ORDER);
            FloatVector b3 = FloatVector.fromMemorySegment(F, db, db0 + 3 * rowBytes + o, ORDER);
            FloatVector q0 = FloatVector.fromMemorySegment(F, qy, qb + o, ORDER);
            a00 = q0.fma(b0, a00);
            a01 = q0.fma(b1, a01);
            a02 = q0.fma(b2, a02);
            a03 = q0.fma(b3, a03);
            FloatVector q1 = FloatVector.fromMemorySegment(F, qy, qb + rowBytes + o, ORDER);
            a10 = q1.fma(b0, a10);
            a11 = q1.fma(b1, a11);
            a12 = q1.fma(b2, a12);
            a13 = q1.fma(b3, a13);
            FloatVector q2 = FloatVector.fromMemorySegment(F, qy, qb + 2 * rowBytes + o, ORDER);
            a20 = q2.fma(b0, a20);
            a21 = q2.fma(b1, a21);
            a22 = q2.fma(b2, a22);
            a23 = q2.fma(b3, a23);
            FloatVector q3 = FloatVector.fromMemorySegment(F, qy, qb + 3 * rowBytes + o, ORDER);
            a30 = q3.fma(b0, a30);
            a31 = q3.fma(b1, a31);
            a32 = q3.fma(b2, a32);
            a33 = q3.fma(b3, a33);
        }
        // Lanes are summed in order, not with reduceLanes (whose order of additions is unspecified
        // and differs between interpreted and compiled code): scores must not depend on the JIT.
        // Each accumulator goes to the summing method directly: gathered in an array, the 16
        // vectors would be boxed on every block (measured: Q=8 at N=1M took 255 ms, not 78).
        float[] lanesOut = scratch;
        store(out, ld, lq, lj, gq, gj, 0, 0, sumInOrder(a00, lanesOut), bound);
        store(out, ld, lq, lj, gq, gj, 0, 1, sumInOrder(a01, lanesOut), bound);
        store(out, ld, lq, lj, gq, gj, 0, 2, sumInOrder(a02, lanesOut), bound);
        store(out, ld, lq, lj, gq, gj, 0, 3, sumInOrder(a03, lanesOut), bound);
        store(out, ld, lq, lj, gq, gj, 1, 0, sumInOrder(a10, lanesOut), bound);
        store(out, ld, lq, lj, gq, gj, 1, 1, sumInOrder(a11, lanesOut), bound);
        store(out, ld, lq, lj, gq, gj, 1, 2, sumInOrder(a12, lanesOut), bound);
        store(out, ld, lq, lj, gq, gj, 1, 3, sumInOrder(a13, lanesOut), bound);
        store(out, ld, lq, lj, gq, gj, 2, 0, sumInOrder(a20, lanesOut), bound);
        store(out, ld, lq, lj, gq, gj, 2, 1, sumInOrder(a21, lanesOut), bound);
        store(out, ld, lq, lj, gq, gj, 2, 2, sumInOrder(a22, lanesOut), bound);
        store(out, ld, lq, lj, gq, gj, 2, 3, sumInOrder(a23, lanesOut), bound);
        store(out, ld, lq, lj, gq, gj, 3, 0, sumInOrder(a30, lanesOut), bound);
        store(out, ld, lq, lj, gq, gj, 3, 1, sumInOrder(a31, lanesOut), bound);
        store(out, ld, lq, lj, gq, gj, 3, 2, sumInOrder(a32, lanesOut), bound);
        store(out, ld, lq, lj, gq, gj, 3, 3, sumInOrder(a33, lanesOut), bound);
    }

    /** One score of a block: the vector part's sum plus the depth's tail (beyond whole vectors). */
    private void store(float[] out, int ld, int lq, int lj, int gq, int gj, int i, int j, float v, int bound) {
        for (int d = bound; d < depth; d++) {
            v += qy.getAtIndex(ValueLayout.JAVA_FLOAT, (long) (gq + i) * depth + d)
                    * db.getAtIndex(ValueLayout.JAVA_FLOAT, (long) (gj + j) * depth + d);
        }
        out[(lq + i) * ld + lj + j] = v;
    }

    private static float sumInOrder(FloatVector v, float[] scratch) {
        v.intoArray(scratch, 0);
        float sum = 0;
        for (float x : scratch) {
            sum += x;
        }
        return sum;
    }

    /** One dot product (edges of the blocks). */
    private float dot(int gq, int gj) {
        long qb = (long) gq * depth * 4;
        long dbb = (long) gj * depth * 4;
        FloatVector acc = FloatVector.zero(F);
        int lanes = F.length();
        int bound = depth - depth % lanes;
        for (int d = 0; d < bound; d += lanes) {
            acc = FloatVector.fromMemorySegment(F, qy, qb + d * 4L, ORDER)
                    .fma(FloatVector.fromMemorySegment(F, db, dbb + d * 4L, ORDER), acc);
        }
        float v = sumInOrder(acc, new float[lanes]);
        for (int d = bound; d < depth; d++) {
            v += qy.getAtIndex(ValueLayout.JAVA_FLOAT, (long) gq * depth + d)
                    * db.getAtIndex(ValueLayout.JAVA_FLOAT, (long) gj * depth + d);
        }
        return v;
    }

    @Override
    public long ld(int cols) {
        return cols;
    }

    @Override
    public int blockRows() {
        return MAX_QUERIES;
    }

    @Override
    public int tileCols() {
        return 1024;
    }
}
