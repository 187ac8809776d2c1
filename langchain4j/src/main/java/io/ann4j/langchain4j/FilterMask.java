package io.ann4j.langchain4j;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.filter.Filter;
import java.util.BitSet;

/**
 * The rows a metadata filter lets through, as a bitmap over a snapshot's rows, evaluated before
 * the search so that the top-k ranks only those rows (a filter never makes a search return fewer
 * results than it could). Every decision is the filter's own ({@link Filter#test}), so every
 * filter LangChain4j defines (and any a user writes) means exactly what it means there; a row
 * added without a segment is tested as empty metadata.
 */
final class FilterMask {
    /** The metadata of a row added without a segment. */
    static final Metadata NONE = new Metadata();

    private FilterMask() {}

    /** The live rows of {@code s} that {@code filter} accepts (every live row when it is null), through {@code index}'s cache. */
    static BitSet of(Snapshot s, Filter filter, FilterIndex index) {
        BitSet out;
        if (filter == null) {
            out = new BitSet(s.rows());
            out.set(0, s.rows());
        } else {
            out = index.evaluate(s, filter);
        }
        out.andNot(s.dead());
        return out;
    }

    /** Tests every row's metadata (filters {@link FilterEvaluation} cannot split by key). */
    static BitSet scan(Snapshot s, Filter filter) {
        BitSet out = new BitSet(s.rows());
        TextSegment[] segments = s.segments();
        for (int i = 0; i < s.rows(); i++) {
            TextSegment seg = segments[i];
            if (filter.test(seg == null ? NONE : seg.metadata())) {
                out.set(i);
            }
        }
        return out;
    }
}
