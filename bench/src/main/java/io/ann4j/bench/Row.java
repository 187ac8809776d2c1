package io.ann4j.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** One measured case: its figures by the keys of bench/JSON.md, in insertion order. */
final class Row {
    private final Map<String, Object> values = new LinkedHashMap<>();

    Row put(String key, Object value) {
        if (value != null) {
            values.put(key, value);
        }
        return this;
    }

    Double num(String key) {
        Object v = values.get(key);
        return v instanceof Number n ? n.doubleValue() : null;
    }

    Object get(String key) {
        return values.get(key);
    }

    /** One JSON object; absent figures are left out, never written as 0. */
    String json() {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, Object> e : values.entrySet()) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append('"').append(e.getKey()).append("\":");
            Object v = e.getValue();
            if (v instanceof String s) {
                sb.append('"').append(s.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            } else if (v instanceof Double d && d != 0 && Math.abs(d) < 1e-3) {
                sb.append(String.format(Locale.ROOT, "%.3e", d)); // errors: four decimals would print 0
            } else if (v instanceof Double d) {
                sb.append(String.format(Locale.ROOT, "%.4f", d).replaceAll("0+$", "").replaceAll("\\.$", ".0"));
            } else {
                sb.append(v);
            }
        }
        return sb.append('}').toString();
    }
}
