package io.ann4j.langchain4j;

import dev.langchain4j.store.embedding.filter.Filter;

/** Measurements of a store's parts, for the bench: not part of the store's API. */
public final class Ann4jStoreProbe {
    private Ann4jStoreProbe() {}

    /** Milliseconds to find the rows {@code filter} accepts in the store now, without the cache. */
    public static double filterMs(Ann4jEmbeddingStore store, Filter filter) {
        Snapshot s = store.snapshotForProbe();
        long t = System.nanoTime();
        FilterEvaluation.rows(filter, s);
        return (System.nanoTime() - t) / 1e6;
    }
}
