package io.ann4j.langchain4j;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.store.embedding.filter.Filter;
import dev.langchain4j.store.embedding.filter.comparison.ContainsString;
import dev.langchain4j.store.embedding.filter.comparison.IsEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsGreaterThan;
import dev.langchain4j.store.embedding.filter.comparison.IsGreaterThanOrEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsIn;
import dev.langchain4j.store.embedding.filter.comparison.IsLessThan;
import dev.langchain4j.store.embedding.filter.comparison.IsLessThanOrEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsNotEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsNotIn;
import dev.langchain4j.store.embedding.filter.logical.And;
import dev.langchain4j.store.embedding.filter.logical.Not;
import dev.langchain4j.store.embedding.filter.logical.Or;
import java.util.BitSet;
import java.util.Map;

/**
 * A filter's rows, from the dictionary-encoded columns ({@link MetadataColumns}). And, Or and Not
 * combine bitmaps (they are {@code &&}, {@code ||} and {@code !} of their parts in LangChain4j). A
 * comparison on one key is decided by the filter's own {@code test} once per distinct value of the
 * key (and once for rows without it), then applied to the rows by their codes: the semantics are
 * LangChain4j's exactly, at the cost of the dictionary plus one array read per row. Any other
 * filter (one a user wrote) is tested row by row.
 */
final class FilterEvaluation {
    private FilterEvaluation() {}

    static BitSet rows(Filter f, Snapshot s) {
        int n = s.rows();
        return switch (f) {
            case And a -> {
                BitSet r = rows(a.left(), s);
                r.and(rows(a.right(), s));
                yield r;
            }
            case Or o -> {
                BitSet r = rows(o.left(), s);
                r.or(rows(o.right(), s));
                yield r;
            }
            case Not not -> {
                BitSet r = rows(not.expression(), s);
                r.flip(0, n);
                yield r;
            }
            default -> {
                String key = keyOf(f);
                yield key == null ? FilterMask.scan(s, f) : byDictionary(f, key, s.columns().get(key), n);
            }
        };
    }

    /** The key a one-key comparison reads, or null for a filter of another kind. */
    private static String keyOf(Filter f) {
        return switch (f) {
            case IsEqualTo x -> x.key();
            case IsNotEqualTo x -> x.key();
            case IsGreaterThan x -> x.key();
            case IsGreaterThanOrEqualTo x -> x.key();
            case IsLessThan x -> x.key();
            case IsLessThanOrEqualTo x -> x.key();
            case IsIn x -> x.key();
            case IsNotIn x -> x.key();
            case ContainsString x -> x.key();
            default -> null;
        };
    }

    private static BitSet byDictionary(Filter f, String key, MetadataColumns.Column column, int n) {
        boolean missing = f.test(FilterMask.NONE);
        BitSet out = new BitSet(n);
        if (column == null) {
            if (missing) {
                out.set(0, n);
            }
            return out;
        }
        boolean[] accepts = new boolean[column.valueCount()];
        for (int c = 0; c < accepts.length; c++) {
            accepts[c] = f.test(new Metadata(Map.of(key, column.values()[c])));
        }
        int[] codes = column.codes();
        int covered = Math.min(n, codes.length);
        for (int r = 0; r < covered; r++) {
            int c = codes[r];
            if (c < 0 ? missing : accepts[c]) {
                out.set(r);
            }
        }
        if (missing && covered < n) {
            out.set(covered, n);
        }
        return out;
    }
}
