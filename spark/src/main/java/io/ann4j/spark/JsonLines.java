package io.ann4j.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Spark benches' results as JSON lines ({@code --json FILE}): one object per measured row,
 * each with the fields every row shares (the CPU, cores, master, Spark's version). Keys are listed
 * in {@code bench/JSON.md}.
 */
final class JsonLines {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static PrintWriter out;
    private static Map<String, Object> common = Map.of();

    private JsonLines() {}

    /** Writes to {@code file} (appending), or nowhere when it is null. */
    static synchronized void open(String file) {
        if (file == null) {
            return;
        }
        try {
            out = new PrintWriter(Files.newBufferedWriter(Path.of(file), StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND));
        } catch (IOException e) {
            throw new UncheckedIOException("--json: cannot write " + file, e);
        }
    }

    /** Fields added to every row written after this call. */
    static synchronized void common(Map<String, Object> fields) {
        common = Map.copyOf(fields);
    }

    static synchronized void write(Map<String, Object> row) {
        if (out == null) {
            return;
        }
        Map<String, Object> all = new LinkedHashMap<>(row);
        common.forEach(all::putIfAbsent);
        try {
            out.println(JSON.writeValueAsString(all));
            out.flush();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a bench row as JSON: " + row, e);
        }
    }

    static synchronized void close() {
        if (out != null) {
            out.close();
            out = null;
        }
    }
}
