package io.ann4j.cli.search;

import io.ann4j.dsl.Metric;

/**
 * What a search computes.
 *
 * @param metric       what ranks the neighbours
 * @param k            neighbours per query
 * @param recallTarget the approximate search's target in (0, 1], or NaN for the exact top-k
 * @param selection    the CPU backend's algorithm: {@code int8} (int8 scores, exact re-ranking),
 *                     {@code threshold} (the exact f32 product) or {@code bins} (the TPU's
 *                     algorithm); null: the backend's default (int8 where it pays, else threshold)
 * @param backend      backend name ({@code cpu}, {@code tpu}), or null for the default
 * @param devices      devices the database blocks are sharded over (1: no sharding)
 */
public record SearchSpec(Metric metric, int k, double recallTarget, String selection, String backend, int devices) {
    /** Whether this is the exact top-k (ground truth). */
    public boolean exact() {
        return Double.isNaN(recallTarget);
    }

    /** The same search with another recall target (NaN: exact). */
    public SearchSpec withRecall(double target) {
        return new SearchSpec(metric, k, target, selection, backend, devices);
    }

    /** The same search with another selection algorithm. */
    public SearchSpec withSelection(String s) {
        return new SearchSpec(metric, k, recallTarget, s, backend, devices);
    }
}
