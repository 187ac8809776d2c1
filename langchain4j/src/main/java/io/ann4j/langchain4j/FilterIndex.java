package io.ann4j.langchain4j;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.filter.Filter;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The masks of recently used filters, kept and extended as rows are appended: a row's metadata
 * never changes once added, so a filter's answer for rows {@code [0, n)} stays right, and a repeated
 * filter costs only the rows added since (LangChain4j's filters are values: equal filters hit the
 * same entry). An entry belongs to one numbering of the rows (the snapshot's epoch): a compaction
 * renumbers them, and older entries are then recomputed. Why not per-key indexes:
 * evaluating a filter through its own {@code test} keeps LangChain4j's exact semantics (numbers
 * compared across types, missing keys, UUIDs as strings) for every filter, user-written ones
 * included, and once cached it costs a copy of the bitmap (README, "ann4j in LangChain4j": the
 * measured costs). Thread-safe.
 */
final class FilterIndex {
    private static final Metadata NONE = new Metadata();

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
        int from = e == null ? 0 : e.covered();
        BitSet rows = e == null ? new BitSet(n) : (BitSet) e.rows().clone();
        TextSegment[] segments = s.segments();
        for (int i = from; i < n; i++) {
            TextSegment seg = segments[i];
            if (filter.test(seg == null ? NONE : seg.metadata())) {
                rows.set(i);
            }
        }
        synchronized (this) {
            Mask now = cache.get(filter);
            if (now == null || now.epoch() < s.epoch() || (now.epoch() == s.epoch() && now.covered() < n)) {
                cache.put(filter, new Mask(s.epoch(), n, rows));
            }
        }
        return (BitSet) rows.clone();
    }
}
