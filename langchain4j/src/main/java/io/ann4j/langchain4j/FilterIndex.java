package io.ann4j.langchain4j;

import dev.langchain4j.store.embedding.filter.Filter;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The masks of recently used filters: a row's metadata never changes once added, so a filter's
 * answer for rows {@code [0, n)} stays right while rows are appended, and a repeated filter over
 * the same rows costs a copy of its bitmap (LangChain4j's filters are values: equal filters hit
 * the same entry). A miss is evaluated on the dictionary-encoded columns ({@link FilterEvaluation}). An entry belongs to one numbering of the rows (the snapshot's epoch): a compaction
 * renumbers them, and older entries are then recomputed. Thread-safe.
 */
final class FilterIndex {
    /** How many distinct filters are kept. */
    static final int CAPACITY = 64;

    private record Mask(long epoch, int covered, BitSet rows) {}

    private final Map<Filter, Mask> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Filter, Mask> eldest) {
            return size() > CAPACITY;
        }
    };

    /** The rows of {@code s} that {@code filter} accepts (dead rows included: the caller masks them). */
    BitSet evaluate(Snapshot s, Filter filter) {
        Mask e;
        synchronized (this) {
            e = cache.get(filter);
        }
        int n = s.rows();
        if (e != null && e.epoch() != s.epoch()) {
            e = null; // computed over rows numbered differently
        }
        if (e != null && e.covered() >= n) {
            return e.rows().get(0, n);
        }
        BitSet rows = FilterEvaluation.rows(filter, s);
        synchronized (this) {
            Mask now = cache.get(filter);
            if (now == null || now.epoch() < s.epoch() || (now.epoch() == s.epoch() && now.covered() < n)) {
                cache.put(filter, new Mask(s.epoch(), n, rows));
            }
        }
        return (BitSet) rows.clone();
    }
}
