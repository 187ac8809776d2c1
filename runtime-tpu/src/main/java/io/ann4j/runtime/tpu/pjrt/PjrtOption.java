package io.ann4j.runtime.tpu.pjrt;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One option of {@code PJRT_Client_Create}, a {@code PJRT_NamedValue}: e.g. the CUDA plugin's
 * {@code preallocate=false} (do not take 75% of the GPU up front), {@code memory_fraction=0.5},
 * {@code allocator=platform} or {@code visible_devices=[0]}. Which names a plugin knows is the
 * plugin's business; an unknown one is reported by the plugin as an error of the create call.
 *
 * @param name  the option's name
 * @param value a {@link String}, {@link Long}, {@code long[]}, {@link Float} or {@link Boolean}
 */
public record PjrtOption(String name, Object value) {
    /** {@code PJRT_NamedValue_Type}: kString, kInt64, kInt64List, kFloat, kBool. */
    private static final int STRING = 0;
    private static final int INT64 = 1;
    private static final int INT64_LIST = 2;
    private static final int FLOAT = 3;
    private static final int BOOL = 4;

    /** {@code PJRT_NamedValue}: name@16 name_size@24 type@32 (enum) union@40 value_size@48. */
    static final long STRUCT_SIZE = 56;

    public PjrtOption {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a PJRT option needs a name");
        }
        if (!(value instanceof String || value instanceof Long || value instanceof long[] || value instanceof Float
                || value instanceof Boolean)) {
            throw new IllegalArgumentException("PJRT option " + name + ": a value is a String, Long, long[], Float or"
                    + " Boolean, not " + (value == null ? "null" : value.getClass().getSimpleName()));
        }
    }

    /**
     * Parses {@code name=value}: {@code true}/{@code false} is a bool, {@code [0,1]} a list of
     * int64, an integer an int64, a number with a point or an exponent a float, {@code "..."} or
     * anything else a string.
     */
    public static PjrtOption parse(String option) {
        int eq = option.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("a PJRT option is name=value, got '" + option + "'");
        }
        String name = option.substring(0, eq).trim();
        String v = option.substring(eq + 1).trim();
        if (v.equals("true") || v.equals("false")) {
            return new PjrtOption(name, Boolean.parseBoolean(v));
        }
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            return new PjrtOption(name, v.substring(1, v.length() - 1));
        }
        if (v.startsWith("[") && v.endsWith("]")) {
            String inside = v.substring(1, v.length() - 1).trim();
            try {
                long[] list = inside.isEmpty() ? new long[0]
                        : Arrays.stream(inside.split(",")).map(String::trim).mapToLong(Long::parseLong).toArray();
                return new PjrtOption(name, list);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("PJRT option " + name + ": a list holds integers, got " + v, e);
            }
        }
        if (v.matches("[+-]?\\d+")) {
            return new PjrtOption(name, Long.parseLong(v));
        }
        if (v.matches("[+-]?(\\d+\\.\\d*|\\.\\d+|\\d+(\\.\\d*)?[eE][+-]?\\d+)")) {
            return new PjrtOption(name, Float.parseFloat(v));
        }
        return new PjrtOption(name, v);
    }

    /** Options separated by commas or whitespace (commas inside a {@code [list]} belong to it). */
    public static List<PjrtOption> parseList(String options) {
        List<PjrtOption> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int depth = 0;
        for (char c : (options + ",").toCharArray()) {
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            }
            if (depth == 0 && (c == ',' || Character.isWhitespace(c))) {
                if (!current.isEmpty()) {
                    out.add(parse(current.toString()));
                    current.setLength(0);
                }
            } else {
                current.append(c);
            }
        }
        return List.copyOf(out);
    }

    /** The options as a {@code PJRT_NamedValue[]} in {@code arena} (null when there are none). */
    static MemorySegment toNative(List<PjrtOption> options, Arena arena) {
        if (options.isEmpty()) {
            return MemorySegment.NULL;
        }
        MemorySegment array = arena.allocate(STRUCT_SIZE * options.size(), 8);
        for (int i = 0; i < options.size(); i++) {
            PjrtOption o = options.get(i);
            MemorySegment nv = array.asSlice(STRUCT_SIZE * i, STRUCT_SIZE);
            byte[] name = o.name.getBytes(StandardCharsets.UTF_8);
            nv.set(JAVA_LONG, 0, STRUCT_SIZE);
            nv.set(ADDRESS, 16, arena.allocateFrom(o.name));
            nv.set(JAVA_LONG, 24, name.length);
            long size = 1;
            switch (o.value) {
                case String s -> {
                    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
                    nv.set(JAVA_INT, 32, STRING);
                    nv.set(ADDRESS, 40, arena.allocateFrom(s));
                    size = bytes.length;
                }
                case Long l -> {
                    nv.set(JAVA_INT, 32, INT64);
                    nv.set(JAVA_LONG, 40, l);
                }
                case long[] list -> {
                    nv.set(JAVA_INT, 32, INT64_LIST);
                    nv.set(ADDRESS, 40, arena.allocateFrom(JAVA_LONG, list));
                    size = list.length;
                }
                case Float f -> {
                    nv.set(JAVA_INT, 32, FLOAT);
                    nv.set(JAVA_FLOAT, 40, f);
                }
                case Boolean b -> {
                    nv.set(JAVA_INT, 32, BOOL);
                    nv.set(JAVA_BOOLEAN, 40, b);
                }
                default -> throw new IllegalStateException("unreachable: checked in the constructor");
            }
            nv.set(JAVA_LONG, 48, size);
        }
        return array;
    }

    @Override
    public String toString() {
        return name + "=" + (value instanceof long[] l ? Arrays.toString(l) : value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PjrtOption other && name.equals(other.name)
                && (value instanceof long[] a && other.value instanceof long[] b ? Arrays.equals(a, b) : value.equals(other.value));
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + (value instanceof long[] l ? Arrays.hashCode(l) : value.hashCode());
    }
}
