package io.ann4j.cli.bench;

import io.ann4j.cli.BadInputException;
import io.ann4j.cli.search.Neighbors;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The exact neighbours a bench measures against, and recall@k by ann-benchmarks' rule: with
 * distances, a returned neighbour counts when its distance is at most the k-th true distance plus
 * 1e-3 (so ties do not penalise); with ids only, when it is among the k true ids.
 *
 * @param ids       {@code [queries, width]}, best first
 * @param distances the same shape, or null
 * @param width     columns in the file (at least k)
 */
public record GroundTruth(int queries, int width, int[] ids, float[] distances) {
    /** ann-benchmarks' tolerance on the k-th distance. */
    public static final double EPSILON = 1e-3;

    /** Checks that this ground truth fits the queries and k. */
    public GroundTruth check(Path file, int expectedQueries, int k) {
        if (queries != expectedQueries) {
            throw new BadInputException(file, "ground truth has " + queries + " rows but there are " + expectedQueries
                    + " queries; expected one row per query");
        }
        if (k > width) {
            throw new BadInputException(file, "ground truth has " + width + " neighbours per query; expected at least --k " + k);
        }
        return this;
    }

    /** A ground truth from an exact search. */
    public static GroundTruth of(Neighbors exact) {
        return new GroundTruth(exact.queries(), exact.k(), exact.ids(), exact.distances());
    }

    /** Mean recall@k of {@code got} over the queries. */
    public double recall(Neighbors got, int k) {
        long hits = 0;
        for (int q = 0; q < queries; q++) {
            if (distances != null) {
                double threshold = distances[q * width + k - 1] + EPSILON;
                for (int r = 0; r < k; r++) {
                    float d = got.distance(q, r);
                    if (got.id(q, r) >= 0 && d <= threshold) {
                        hits++;
                    }
                }
            } else {
                Set<Integer> truth = new HashSet<>();
                for (int r = 0; r < k; r++) {
                    truth.add(ids[q * width + r]);
                }
                for (int r = 0; r < k; r++) {
                    if (truth.contains(got.id(q, r))) {
                        hits++;
                    }
                }
            }
        }
        return queries == 0 ? 1.0 : (double) hits / ((long) queries * k);
    }
}
