package io.ann4j.langchain4j;

import dev.langchain4j.data.document.Metadata;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The store's metadata by key, dictionary-encoded: per key, the distinct values seen and, per row,
 * the code of its value ({@code -1} where the row lacks the key). A filter on one key is then
 * decided once per distinct value instead of once per row ({@link FilterEvaluation}). Appended to
 * by the writer (under the store's lock); {@link #view()} gives the immutable picture a snapshot
 * keeps: codes below a snapshot's row count and dictionary entries below its size never change.
 */
final class MetadataColumns {
    /** One key's column as a snapshot sees it. */
    record Column(int[] codes, Object[] values, int valueCount) {
        /** The code of row {@code r}'s value, or -1 where the row lacks the key. */
        int code(int r) {
            return r < codes.length ? codes[r] : -1;
        }
    }

    private static final class Building {
        int[] codes;
        Object[] values = new Object[4];
        int valueCount;
        final Map<Object, Integer> index = new HashMap<>();

        Building(int capacity) {
            codes = new int[Math.max(16, capacity)];
            Arrays.fill(codes, -1);
        }
    }

    private final Map<String, Building> keys = new LinkedHashMap<>();

    /** Records row {@code row}'s metadata (null: no metadata). Rows are added in order. */
    void add(int row, Metadata metadata) {
        if (metadata == null) {
            return;
        }
        for (Map.Entry<String, Object> e : metadata.toMap().entrySet()) {
            Building b = keys.computeIfAbsent(e.getKey(), k -> new Building(row + 1));
            if (row >= b.codes.length) {
                int[] grown = Arrays.copyOf(b.codes, Math.max(row + 1, b.codes.length * 2));
                Arrays.fill(grown, b.codes.length, grown.length, -1);
                b.codes = grown;
            }
            Integer code = b.index.get(e.getValue());
            if (code == null) {
                code = b.valueCount;
                if (code == b.values.length) {
                    b.values = Arrays.copyOf(b.values, code * 2);
                }
                b.values[code] = e.getValue();
                b.valueCount++;
                b.index.put(e.getValue(), code);
            }
            b.codes[row] = code;
        }
    }

    /** The columns as they are now, for a snapshot. */
    Map<String, Column> view() {
        Map<String, Column> out = new HashMap<>(keys.size() * 2);
        for (Map.Entry<String, Building> e : keys.entrySet()) {
            Building b = e.getValue();
            out.put(e.getKey(), new Column(b.codes, b.values, b.valueCount));
        }
        return out;
    }
}
