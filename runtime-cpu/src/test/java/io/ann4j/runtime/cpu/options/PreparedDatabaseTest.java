package io.ann4j.runtime.cpu.options;

import io.ann4j.dsl.*;

import static io.ann4j.dsl.Ops.approxMaxK;
import static io.ann4j.dsl.Ops.approxMinK;
import static io.ann4j.dsl.Ops.normalizeRows;
import static io.ann4j.dsl.Ops.topK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ann4j.runtime.cpu.search.SearchOptions;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A prepared database ({@link Ann#prepare}) is an immutable snapshot: searches through it never
 * see a later change to the array it came from (nor a stale int8 copy of it), the dense steps
 * computed from it (cosine's normalised rows, L2's norms) are kept and never handed out to be
 * changed, and its answers are the same as the array's.
 */
class PreparedDatabaseTest {
    private static final int N = 4000;
    private static final int D = 32;
    private static final JitConfig INT8 = JitConfig.defaults().option(SearchOptions.PRODUCT, "int8")
            .option(SearchOptions.INT8_CANDIDATES, "40");

    private static INDArray random(long seed, int rows) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.FLOAT, rows, D);
    }

    @Test
    void aChangeToTheArrayAfterPreparingIsNeverSearchedThroughTheSnapshot() {
        INDArray db = random(1, N);
        INDArray qy = random(2, 8);
        Jitted<TopK> mips = Jit.jit((Tensor q, Tensor d) -> approxMaxK(Similarity.ip(q, d), 10, 0.9), INT8);
        Jitted<TopK> exact = Jit.jit((Tensor q, Tensor d) -> topK(Similarity.ip(q, d), 10));
        Prepared prepared = Ann.prepare(db);
        TopK before = mips.call(qy, prepared); // quantizes the snapshot and keeps its int8 copy
        INDArray old = db.dup();
        db.getRow(7).assign(1000f); // row 7 now wins every query whose sum is positive
        TopK snapshot = mips.call(qy, prepared);
        assertArrayEquals(before.indicesArray().toIntMatrix(), snapshot.indicesArray().toIntMatrix(),
                "the snapshot searches what was prepared");
        assertArrayEquals(exact.call(qy, old).indicesArray().toIntMatrix(), snapshot.indicesArray().toIntMatrix());
        TopK changed = mips.call(qy, db);
        assertArrayEquals(exact.call(qy, db).indicesArray().toIntMatrix(), changed.indicesArray().toIntMatrix(),
                "the array itself is quantized per call, so its change is seen");
        TopK reprepared = mips.call(qy, Ann.prepare(db));
        assertArrayEquals(changed.indicesArray().toIntMatrix(), reprepared.indicesArray().toIntMatrix());
        assertNotEquals(snapshot.indicesArray(), reprepared.indicesArray(), "row 7 wins only in the new data");
    }

    @Test
    void toArrayIsACopy() {
        INDArray db = random(3, N);
        Prepared prepared = Ann.prepare(db);
        INDArray copy = prepared.toArray();
        copy.assign(0f);
        assertEquals(db, prepared.toArray());
        assertArrayEquals(new long[] {N, D}, prepared.shape());
    }

    @Test
    void cosineAndL2ThroughASnapshotGiveTheArraysAnswers() {
        INDArray db = random(4, N);
        INDArray qy = random(5, 16);
        Prepared prepared = Ann.prepare(db);
        Jitted<TopK> cosine = Jit.jit((Tensor q, Tensor d) -> approxMaxK(Similarity.cosine(q, d), 10, 0.95), INT8);
        Jitted<TopK> l2 = Jit.jit((Tensor q, Tensor d) -> approxMinK(Similarity.l2(q, d), 10, 0.95), INT8);
        for (Jitted<TopK> f : java.util.List.of(cosine, l2)) {
            TopK direct = f.call(qy, db);
            for (int call = 0; call < 2; call++) { // the second call reuses the kept norms and int8 copy
                TopK viaSnapshot = f.call(qy, prepared);
                assertArrayEquals(direct.indicesArray().toIntMatrix(), viaSnapshot.indicesArray().toIntMatrix());
                assertEquals(direct.valuesArray(), viaSnapshot.valuesArray());
            }
        }
    }

    @Test
    void resultsComputedFromASnapshotAreTheCallersToChange() {
        Prepared prepared = Ann.prepare(random(6, 50));
        Jitted<Tensor> normalize = Jit.jit((Tensor d) -> normalizeRows(d));
        Jitted<Tensor> identity = Jit.jit((Tensor d) -> d);
        INDArray first = normalize.call(prepared).array();
        INDArray expected = first.dup();
        first.assign(0f); // must not reach the kept rows, nor the next call
        assertEquals(expected, normalize.call(prepared).array());
        identity.call(prepared).array().assign(0f);
        assertEquals(expected, normalize.call(prepared).array(), "the snapshot is never handed out");
    }

    @Test
    void preparingNothingFailsClearly() {
        assertEquals("prepare: the database is null",
                assertThrows(IllegalArgumentException.class, () -> Ann.prepare(null)).getMessage());
        assertEquals("prepare: the database is empty, shape [0, 4]", assertThrows(IllegalArgumentException.class,
                () -> Ann.prepare(Nd4j.create(DataType.FLOAT, 0, 4))).getMessage());
        assertEquals("argument 0 has unsupported type java.lang.String; pass an INDArray, a Tensor, a Prepared, a"
                + " float[][] or a float[]", assertThrows(IllegalArgumentException.class, () -> Ann.prepare("db")).getMessage());
    }

    @Test
    void aRangeOfRowsPreparedInPlaceIsSearchedWithoutACopy() {
        INDArray db = random(3, N);
        INDArray qy = random(4, 8);
        Jitted<TopK> mips = Jit.jit((Tensor q, Tensor d) -> approxMaxK(Similarity.ip(q, d), 10, 0.9), INT8);
        Jitted<TopK> exact = Jit.jit((Tensor q, Tensor d) -> topK(Similarity.ip(q, d), 10));
        INDArray firstRows = db.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 3000), org.nd4j.linalg.indexing.NDArrayIndex.all());
        Prepared inPlace = Ann.prepareUnchanging(firstRows);
        TopK viaPrepared = mips.call(qy, inPlace);
        TopK truth = exact.call(qy, firstRows.dup());
        int[][] found = viaPrepared.indicesArray().toIntMatrix();
        int[][] want = truth.indicesArray().toIntMatrix();
        int hits = 0;
        for (int q = 0; q < found.length; q++) {
            java.util.Set<Integer> w = new java.util.HashSet<>();
            for (int i : want[q]) {
                w.add(i);
            }
            for (int i : found[q]) {
                hits += w.contains(i) ? 1 : 0;
            }
        }
        org.junit.jupiter.api.Assertions.assertTrue(hits >= 0.9 * 80, "recall " + hits + "/80");
        assertArrayEquals(new long[] {3000, D}, inPlace.shape());
    }

    @Test
    void preparingInPlaceRefusesWhatItCannotTrust() {
        assertEquals("prepareUnchanging: the database is null",
                assertThrows(IllegalArgumentException.class, () -> Ann.prepareUnchanging(null)).getMessage());
        IllegalArgumentException strided = assertThrows(IllegalArgumentException.class,
                () -> Ann.prepareUnchanging(random(5, 16).transpose()));
        org.junit.jupiter.api.Assertions.assertTrue(strided.getMessage().contains("contiguous in c order")
                && strided.getMessage().contains("[32, 16]"), strided.getMessage());
    }
}
