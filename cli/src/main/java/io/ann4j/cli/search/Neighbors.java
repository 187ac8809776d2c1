package io.ann4j.cli.search;

import io.ann4j.dsl.Metric;

/**
 * A search's result: per query, {@code k} database row ids, best first, and their distances
 * ({@link Metric#distance}; smaller is better). Queries that were skipped, and slots for which the
 * database had too few rows, hold id -1 and distance NaN.
 */
public record Neighbors(int queries, int k, int[] ids, float[] distances, Metric metric) {
    /** The id of the {@code rank}-th neighbour of query {@code q}. */
    public int id(int q, int rank) {
        return ids[q * k + rank];
    }

    /** Its distance. */
    public float distance(int q, int rank) {
        return distances[q * k + rank];
    }
}
