package io.ann4j.conformance;

import io.ann4j.dsl.*;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TopKAccumulatorTest {
    /** Shards in any order and split give the exact global top k (ties: lower global index). */
    @Property(tries = 60, seed = "7")
    void mergingShardsEqualsTheGlobalTopK(@ForAll @IntRange(min = 1, max = 6) int shards,
                                          @ForAll @IntRange(min = 1, max = 12) int k,
                                          @ForAll boolean isMax, @ForAll @IntRange(min = 0, max = 1000) int seed) {
        Random rnd = new Random(seed);
        int queries = 3;
        int n = 40;
        double[] all = new double[queries * n];
        for (int i = 0; i < all.length; i++) {
            all[i] = rnd.nextInt(9) - 4; // many ties
        }
        int[] cuts = rnd.ints(shards - 1, 0, n + 1).sorted().toArray();
        TopKAccumulator[] parts = new TopKAccumulator[shards];
        for (int s = 0; s < shards; s++) {
            int from = s == 0 ? 0 : cuts[s - 1];
            int to = s == shards - 1 ? n : cuts[s];
            parts[s] = new TopKAccumulator(queries, k, isMax);
            if (to > from) {
                float[] v = new float[queries * (to - from)];
                int[] ix = new int[v.length];
                for (int q = 0; q < queries; q++) {
                    for (int j = from; j < to; j++) {
                        v[q * (to - from) + j - from] = (float) all[q * n + j];
                        ix[q * (to - from) + j - from] = j - from;
                    }
                }
                parts[s].add(Nd4j.create(v, new long[] {queries, to - from}, 'c'),
                        Nd4j.createFromArray(ix).reshape('c', new long[] {queries, to - from}), from);
            }
        }
        TopKAccumulator merged = parts[shards - 1];
        for (int s = shards - 2; s >= 0; s--) {
            merged = merged.merge(parts[s]);
        }
        int[] got = Conformance.ints(merged.result().indicesArray());
        for (int q = 0; q < queries; q++) {
            int[] want = Conformance.referenceTopK(Conformance.row(all, n, q), Math.min(k, n), isMax);
            for (int i = 0; i < k; i++) {
                assertEquals(i < want.length ? want[i] : -1, got[q * k + i], "query " + q + " position " + i);
            }
        }
    }

    @Test
    void fewerCandidatesThanKArePadded() {
        TopKAccumulator acc = new TopKAccumulator(1, 3, false);
        acc.add(Nd4j.createFromArray(new float[][] {{2f}}), Nd4j.createFromArray(new int[][] {{0}}), 5);
        TopK r = acc.result();
        assertArrayEquals(new int[] {5, -1, -1}, Conformance.ints(r.indicesArray()));
        assertEquals(Float.POSITIVE_INFINITY, r.valuesArray().getFloat(0, 2));
    }

    @Test
    void survivesSerialization() throws Exception {
        TopKAccumulator acc = new TopKAccumulator(1, 2, true);
        acc.add(Nd4j.createFromArray(new float[][] {{1f, 7f, 3f}}), Nd4j.createFromArray(new int[][] {{0, 1, 2}}), 0);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(buf)) {
            out.writeObject(acc);
        }
        TopKAccumulator back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(buf.toByteArray()))) {
            back = (TopKAccumulator) in.readObject();
        }
        assertArrayEquals(new int[] {1, 2}, Conformance.ints(back.result().indicesArray()));
    }

    @Test
    void badInputIsRefused() {
        TopKAccumulator acc = new TopKAccumulator(2, 3, true);
        INDArray wrong = Nd4j.zeros(3, 4);
        assertThrows(IllegalArgumentException.class, () -> acc.add(wrong, wrong, 0));
        assertThrows(IllegalArgumentException.class, () -> acc.merge(new TopKAccumulator(2, 4, true)));
        assertThrows(IllegalArgumentException.class, () -> new TopKAccumulator(2, 0, true));
    }
}
