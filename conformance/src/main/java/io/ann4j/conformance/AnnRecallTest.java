package io.ann4j.conformance;

import io.ann4j.dsl.*;

import static io.ann4j.dsl.Ops.approxMaxK;
import static io.ann4j.dsl.Ops.topK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ann4j.conformance.Conformance.Target;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link Ann#recall} as JAX's {@code compute_recall} counts: per query, the result indices found
 * in the ground-truth set (each occurrence counts, duplicates included), summed, divided by the
 * ground truth's size (its duplicates included).
 */
class AnnRecallTest {

    static Stream<Target> targets() {
        return Conformance.targetStream();
    }

    private static INDArray m(int[][] rows) {
        return Nd4j.createFromArray(rows).castTo(DataType.INT);
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("targets")
    void handMadeCases(Target t) {
        // All found.
        assertEquals(1.0, Ann.recall(m(new int[][] {{1, 2, 3}, {4, 5, 6}}), m(new int[][] {{3, 2, 1}, {6, 4, 5}})));
        // None found.
        assertEquals(0.0, Ann.recall(m(new int[][] {{7, 8}}), m(new int[][] {{1, 2}})));
        // Per query, not across queries: row 0's 4 is only in row 1's truth.
        assertEquals(0.5, Ann.recall(m(new int[][] {{1, 4}, {4, 9}}), m(new int[][] {{1, 2}, {4, 5}})));
        // 3 of 8: 1, then 6 and 7; order does not matter.
        assertEquals(3.0 / 8, Ann.recall(m(new int[][] {{9, 1, 8, 10}, {7, 6, 0, 2}}),
                m(new int[][] {{1, 2, 3, 4}, {5, 6, 7, 8}})));
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("targets")
    void duplicatesCountAsJaxCountsThem(Target t) {
        // A result index that repeats counts each time it is found.
        assertEquals(1.0, Ann.recall(m(new int[][] {{1, 1}}), m(new int[][] {{1, 2}})));
        assertEquals(1.5, Ann.recall(m(new int[][] {{1, 1, 1}}), m(new int[][] {{1, 2}})));
        // A ground truth that repeats is a set for membership but its size is the denominator.
        assertEquals(0.5, Ann.recall(m(new int[][] {{3, 4}}), m(new int[][] {{3, 3}})));
        assertEquals(1.0, Ann.recall(m(new int[][] {{3, 3}}), m(new int[][] {{3, 3}})));
        // -1 (an empty bin) is an index like any other.
        assertEquals(0.5, Ann.recall(m(new int[][] {{-1, 5}}), m(new int[][] {{-1, 7}})));
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("targets")
    void differentWidths(Target t) {
        // More results than ground truth (aggregate_to_topk=False results against the exact top-k).
        assertEquals(1.0, Ann.recall(m(new int[][] {{5, 1, 2, 9, 0}}), m(new int[][] {{1, 2}})));
        assertEquals(1.0, Ann.recall(m(new int[][] {{5, 1, 2, 9, 0}, {1, 2, 3, 4, 5}}), m(new int[][] {{1, 2}, {3, 4}})));
        // Fewer results than ground truth.
        assertEquals(0.25, Ann.recall(m(new int[][] {{2}}), m(new int[][] {{1, 2, 3, 4}})));
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("targets")
    void badShapes(Target t) {
        IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
                () -> Ann.recall(Nd4j.createFromArray(1, 2).castTo(DataType.INT), m(new int[][] {{1, 2}})));
        assertTrue(rank.getMessage().contains("recall"), rank.getMessage());
        IllegalArgumentException rows = assertThrows(IllegalArgumentException.class,
                () -> Ann.recall(m(new int[][] {{1}, {2}}), m(new int[][] {{1}})));
        assertTrue(rows.getMessage().contains("2") && rows.getMessage().contains("1"), rows.getMessage());
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("targets")
    void onSearchResults(Target t) {
        Random rnd = new Random(7);
        INDArray scores = Conformance.gaussian(rnd, 3, DataType.FLOAT, 8, 2000);
        List<Tensor> r = Conformance.run(t.config(), a -> List.of(topK(a[0], 10).indices(),
                approxMaxK(a[0], 10, 1.0).indices(), approxMaxK(a[0], 10, 0.9).indices()), scores);
        assertEquals(1.0, Ann.recall(r.get(1), r.get(0)), "recall 1 is exact");
        assertEquals(1.0, Ann.recall(r.get(0), r.get(0)));
        double approx = Ann.recall(r.get(2), r.get(0));
        assertTrue(approx >= 0.0 && approx <= 1.0);
        assertEquals(Ann.recall(r.get(2).array(), r.get(0).array()), Ann.recall(r.get(2), r.get(0)));
    }
}
