package io.ann4j.spark.ml;

import java.io.Serializable;

/**
 * One query's best items so far, best first: their scores (in the metric's order: larger is
 * better for ip and cosine, smaller for l2), global positions and ids. {@link #merge} keeps the
 * {@code k} best of two lists exactly, ties broken by the lower global position, so the result
 * does not depend on how the items were sharded or in which order the shards merged.
 */
record Candidates(Object queryId, double queryNormSquared, float[] scores, long[] positions, Object[] ids, boolean largerIsBetter)
        implements Serializable {

    /** Whether candidate {@code i} of {@code a} comes before candidate {@code j} of {@code b}. */
    private static boolean before(Candidates a, int i, Candidates b, int j) {
        float x = a.scores[i];
        float y = b.scores[j];
        if (x != y) {
            return a.largerIsBetter ? x > y : x < y;
        }
        return a.positions[i] < b.positions[j];
    }

    /**
     * The {@code k} best of both, best first.
     *
     * @throws IllegalStateException if they belong to different queries: a query block recomputed
     *         in another row order (its source not deterministic) would otherwise mix queries up silently
     */
    static Candidates merge(Candidates a, Candidates b, int k) {
        if (!java.util.Objects.equals(a.queryId, b.queryId)) {
            throw new IllegalStateException("kneighbors: candidates of queries " + a.queryId + " and " + b.queryId
                    + " met under one key: a query block was recomputed with its rows in another order; make the"
                    + " queries' table deterministic (sort it, or checkpoint or cache it) before searching");
        }
        int n = Math.min(k, a.scores.length + b.scores.length);
        float[] s = new float[n];
        long[] p = new long[n];
        Object[] ids = new Object[n];
        int i = 0;
        int j = 0;
        for (int o = 0; o < n; o++) {
            boolean takeA = j >= b.scores.length || i < a.scores.length && before(a, i, b, j);
            Candidates from = takeA ? a : b;
            int at = takeA ? i++ : j++;
            s[o] = from.scores[at];
            p[o] = from.positions[at];
            ids[o] = from.ids[at];
        }
        return new Candidates(a.queryId, a.queryNormSquared, s, p, ids, a.largerIsBetter);
    }
}
