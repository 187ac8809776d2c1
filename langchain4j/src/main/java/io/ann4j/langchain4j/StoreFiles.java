package io.ann4j.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.segment.TextSegment;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A store's directory. Each save writes a new generation, {@code gen-NNNNNN/}, holding
 * {@code vectors.f32} (the live embeddings, row-major little-endian float32: NumPy reads it with
 * {@code np.fromfile(f, '<f4').reshape(rows, dim)}), {@code entries.jsonl} (one line per row: id,
 * text, typed metadata) and {@code manifest.json} (rows, dim, format). Only when the generation is
 * complete and forced to disk does {@code CURRENT} name it, by an atomic rename; older generations
 * are deleted after that. A crash at any point leaves {@code CURRENT} naming a complete
 * generation: the previous save, or the new one.
 */
final class StoreFiles {
    static final String CURRENT = "CURRENT";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FORMAT = 1;

    private StoreFiles() {}

    /** The live rows of a snapshot, in row order. */
    record Rows(int dim, List<String> ids, List<float[]> vectors, List<TextSegment> segments) {
        /** The vectors as LangChain4j embeddings. */
        List<dev.langchain4j.data.embedding.Embedding> embeddings() {
            List<dev.langchain4j.data.embedding.Embedding> out = new ArrayList<>(vectors.size());
            for (float[] v : vectors) {
                out.add(dev.langchain4j.data.embedding.Embedding.from(v));
            }
            return out;
        }
    }

    /**
     * Writes {@code rows} as the directory's next generation and makes it current.
     *
     * @param beforeCommit run after the generation is written and before {@code CURRENT} names it
     *                     (a test's crash point); null for none
     */
    static void save(Path dir, Rows rows, Runnable beforeCommit) throws IOException {
        Files.createDirectories(dir);
        String name = nextGeneration(dir);
        Path gen = dir.resolve(name);
        Files.createDirectory(gen);
        writeVectors(gen.resolve("vectors.f32"), rows);
        writeEntries(gen.resolve("entries.jsonl"), rows);
        ObjectNode manifest = JSON.createObjectNode().put("format", FORMAT).put("rows", rows.ids().size())
                .put("dim", rows.dim()).put("vectors", "float32 little-endian row-major");
        Files.writeString(gen.resolve("manifest.json"), JSON.writeValueAsString(manifest));
        force(gen.resolve("manifest.json"));
        if (beforeCommit != null) {
            beforeCommit.run();
        }
        Path tmp = dir.resolve(CURRENT + ".tmp");
        Files.writeString(tmp, name + "\n");
        force(tmp);
        Files.move(tmp, dir.resolve(CURRENT), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        deleteOtherGenerations(dir, name);
    }

    /** The rows of the current generation; an error naming the directory when there is none or it is damaged. */
    static Rows load(Path dir) throws IOException {
        Path current = dir.resolve(CURRENT);
        if (!Files.isRegularFile(current)) {
            throw new IOException(dir + " holds no saved store (no " + CURRENT + " file)");
        }
        Path gen = dir.resolve(Files.readString(current).trim());
        JsonNode manifest = JSON.readTree(gen.resolve("manifest.json").toFile());
        if (manifest.path("format").asInt() != FORMAT) {
            throw new IOException(gen + ": format " + manifest.path("format") + ", expected " + FORMAT);
        }
        int n = manifest.path("rows").asInt();
        int dim = manifest.path("dim").asInt();
        List<float[]> vectors = readVectors(gen.resolve("vectors.f32"), n, dim);
        List<String> ids = new ArrayList<>(n);
        List<TextSegment> segments = new ArrayList<>(n);
        try (BufferedReader r = Files.newBufferedReader(gen.resolve("entries.jsonl"), StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                JsonNode e = JSON.readTree(line);
                ids.add(e.path("id").asText());
                segments.add(e.has("text") ? TextSegment.from(e.path("text").asText(), metadata(e.path("metadata"))) : null);
            }
        }
        if (ids.size() != n) {
            throw new IOException(gen + ": entries.jsonl has " + ids.size() + " rows, the manifest " + n);
        }
        return new Rows(dim, ids, vectors, segments);
    }

    private static String nextGeneration(Path dir) throws IOException {
        int max = 0;
        try (Stream<Path> s = Files.list(dir)) {
            for (Iterator<Path> it = s.iterator(); it.hasNext(); ) {
                String f = it.next().getFileName().toString();
                if (f.matches("gen-\\d{6,}")) {
                    max = Math.max(max, Integer.parseInt(f.substring(4)));
                }
            }
        }
        return String.format("gen-%06d", max + 1);
    }

    private static void deleteOtherGenerations(Path dir, String keep) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith("gen-") && !p.getFileName().toString().equals(keep)).toList()) {
                try (Stream<Path> files = Files.walk(p)) {
                    for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(f);
                    }
                }
            }
        }
    }

    private static void writeVectors(Path file, Rows rows) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            for (float[] v : rows.vectors()) {
                for (float x : v) {
                    if (!buf.hasRemaining()) {
                        drain(ch, buf);
                    }
                    buf.putFloat(x);
                }
            }
            drain(ch, buf);
            ch.force(true);
        }
    }

    private static void drain(FileChannel ch, ByteBuffer buf) throws IOException {
        buf.flip();
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
        buf.clear();
    }

    private static List<float[]> readVectors(Path file, int n, int dim) throws IOException {
        long expected = (long) n * dim * Float.BYTES;
        if (Files.size(file) != expected) {
            throw new IOException(file + " has " + Files.size(file) + " bytes; " + n + " rows of dimension " + dim + " need " + expected);
        }
        List<float[]> out = new ArrayList<>(n);
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, expected).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                float[] v = new float[dim];
                for (int d = 0; d < dim; d++) {
                    v[d] = buf.getFloat();
                }
                out.add(v);
            }
        }
        return out;
    }

    private static void writeEntries(Path file, Rows rows) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW)) {
            for (int i = 0; i < rows.ids().size(); i++) {
                ObjectNode e = JSON.createObjectNode().put("id", rows.ids().get(i));
                TextSegment seg = rows.segments().get(i);
                if (seg != null) {
                    e.put("text", seg.text());
                    ObjectNode md = e.putObject("metadata");
                    for (Map.Entry<String, Object> m : seg.metadata().toMap().entrySet()) {
                        Object v = m.getValue();
                        ObjectNode typed = md.putObject(m.getKey()).put("type", typeOf(v));
                        typed.put("value", v.toString());
                    }
                }
                w.write(JSON.writeValueAsString(e));
                w.write('\n');
            }
        }
        force(file);
    }

    private static String typeOf(Object v) {
        return switch (v) {
            case String s -> "string";
            case UUID u -> "uuid";
            case Integer i -> "int";
            case Long l -> "long";
            case Float f -> "float";
            case Double d -> "double";
            default -> throw new IllegalArgumentException("metadata value of type " + v.getClass().getName()
                    + " cannot be saved; expected String, UUID, Integer, Long, Float or Double");
        };
    }

    private static Metadata metadata(JsonNode md) {
        Metadata out = new Metadata();
        for (Iterator<Map.Entry<String, JsonNode>> it = md.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> m = it.next();
            String v = m.getValue().path("value").asText();
            switch (m.getValue().path("type").asText()) {
                case "string" -> out.put(m.getKey(), v);
                case "uuid" -> out.put(m.getKey(), UUID.fromString(v));
                case "int" -> out.put(m.getKey(), Integer.parseInt(v));
                case "long" -> out.put(m.getKey(), Long.parseLong(v));
                case "float" -> out.put(m.getKey(), Float.parseFloat(v));
                case "double" -> out.put(m.getKey(), Double.parseDouble(v));
                default -> throw new UncheckedIOException(new IOException("unknown metadata type " + m.getValue().path("type")));
            }
        }
        return out;
    }

    private static void force(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }
}
