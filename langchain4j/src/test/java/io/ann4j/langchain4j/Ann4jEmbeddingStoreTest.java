package io.ann4j.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.filter.MetadataFilterBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What LangChain4j's suites do not check: growth, filters that keep the result full, removal, concurrency, saving, errors. */
class Ann4jEmbeddingStoreTest {
    private static final int D = 16;

    private static Embedding random(Random rnd) {
        float[] v = new float[D];
        for (int i = 0; i < D; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return Embedding.from(v);
    }

    private static EmbeddingSearchRequest query(Embedding q, int max) {
        return EmbeddingSearchRequest.builder().queryEmbedding(q).maxResults(max).build();
    }

    /** Exact cosine top-k by brute force, over the given rows. */
    private static List<Integer> bruteForce(List<Embedding> rows, Embedding q, int k, Set<Integer> allowed) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            if (allowed == null || allowed.contains(i)) {
                idx.add(i);
            }
        }
        idx.sort((a, b) -> Double.compare(cos(rows.get(b), q), cos(rows.get(a), q)));
        return idx.subList(0, Math.min(k, idx.size()));
    }

    private static double cos(Embedding a, Embedding b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < D; i++) {
            dot += a.vector()[i] * b.vector()[i];
            na += a.vector()[i] * a.vector()[i];
            nb += b.vector()[i] * b.vector()[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    @Test
    void oneAtATimeAppendsCopyEachRowAFewTimesAtMost() {
        Ann4jEmbeddingStore store = new Ann4jEmbeddingStore();
        Random rnd = new Random(1);
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            store.add(random(rnd));
        }
        assertEquals(n, store.size());
        // only the first chunk doubles on its way to full size: fewer rows copied than one chunk holds
        assertTrue(store.rowsCopiedByGrowth() < Ann4jEmbeddingStore.CHUNK_ROWS, "rows copied by growth: " + store.rowsCopiedByGrowth());
        // memory: the embeddings' float bytes, one inverse norm per row, and one partly filled chunk
        long floats = (long) n * D * Float.BYTES;
        long bound = floats + (long) n * Float.BYTES + (long) Ann4jEmbeddingStore.CHUNK_ROWS * (D + 1) * Float.BYTES;
        assertTrue(store.offHeapBytes() <= bound, store.offHeapBytes() + " bytes for " + floats + " bytes of embeddings");
    }

    /** One chunk, or many small ones (their best rows merged). */
    private static Ann4jEmbeddingStore store(int chunkRows) {
        return Ann4jEmbeddingStore.builder().chunkRows(chunkRows).build();
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {256, 1 << 16})
    void searchesReturnTheExactCosineTopKWithLangChain4jsScores(int chunkRows) {
        Ann4jEmbeddingStore store = store(chunkRows);
        Random rnd = new Random(2);
        List<Embedding> rows = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            rows.add(random(rnd));
            ids.add(store.add(rows.get(i)));
        }
        Embedding q = random(rnd);
        List<EmbeddingMatch<TextSegment>> m = store.search(query(q, 10)).matches();
        List<Integer> expected = bruteForce(rows, q, 10, null);
        for (int i = 0; i < 10; i++) {
            assertEquals(ids.get(expected.get(i)), m.get(i).embeddingId(), "rank " + i);
            assertEquals((cos(rows.get(expected.get(i)), q) + 1) / 2, m.get(i).score(), 1e-5, "relevance score at rank " + i);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {256, 1 << 16})
    void aFilterNarrowsTheRowsBeforeTheTopKSoTheResultStaysFull(int chunkRows) {
        Ann4jEmbeddingStore store = store(chunkRows);
        Random rnd = new Random(3);
        List<Embedding> rows = new ArrayList<>();
        Set<Integer> blue = new HashSet<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            rows.add(random(rnd));
            boolean isBlue = i % 250 == 7; // 20 rows of 5000
            if (isBlue) {
                blue.add(i);
            }
            ids.add(store.add(rows.get(i), TextSegment.from("row " + i, Metadata.from("colour", isBlue ? "blue" : "red"))));
        }
        Embedding q = random(rnd);
        var filter = MetadataFilterBuilder.metadataKey("colour").isEqualTo("blue");
        List<EmbeddingMatch<TextSegment>> m = store.search(EmbeddingSearchRequest.builder().queryEmbedding(q).maxResults(15)
                .filter(filter).build()).matches();
        // a post-filter of the 15 best would keep about 0 of them; the fused mask keeps 15 blue rows
        assertEquals(15, m.size());
        List<Integer> expected = bruteForce(rows, q, 15, blue);
        for (int i = 0; i < 15; i++) {
            assertEquals(ids.get(expected.get(i)), m.get(i).embeddingId(), "rank " + i);
            assertEquals("blue", m.get(i).embedded().metadata().getString("colour"));
        }
        // fewer matching rows than asked for: all of them, no padding
        assertEquals(20, store.search(EmbeddingSearchRequest.builder().queryEmbedding(q).maxResults(100).filter(filter).build())
                .matches().size());
        // a filter that keeps most rows gives the exact top-k of the rows it keeps too
        Set<Integer> red = new HashSet<>();
        for (int i = 0; i < rows.size(); i++) {
            if (!blue.contains(i)) {
                red.add(i);
            }
        }
        List<EmbeddingMatch<TextSegment>> reds = store.search(EmbeddingSearchRequest.builder().queryEmbedding(q).maxResults(15)
                .filter(MetadataFilterBuilder.metadataKey("colour").isEqualTo("red")).build()).matches();
        List<Integer> expectedRed = bruteForce(rows, q, 15, red);
        for (int i = 0; i < 15; i++) {
            assertEquals(ids.get(expectedRed.get(i)), reds.get(i).embeddingId(), "red rank " + i);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {128, 1 << 16})
    void removedRowsAreNeverReturnedAndAreCompactedAway(int chunkRows) {
        Ann4jEmbeddingStore store = store(chunkRows);
        Random rnd = new Random(4);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            ids.add(store.add(random(rnd)));
        }
        store.removeAll(ids.subList(0, 200)); // 20%: masked, not yet compacted
        assertEquals(800, store.size());
        assertEquals(1000, store.scannedRows());
        Set<String> removed = new HashSet<>(ids.subList(0, 200));
        for (EmbeddingMatch<TextSegment> m : store.search(query(random(rnd), 1000)).matches()) {
            assertTrue(!removed.contains(m.embeddingId()), "a removed row came back");
        }
        assertEquals(800, store.search(query(random(rnd), 1000)).matches().size());
        store.removeAll(ids.subList(200, 300)); // 30% removed: compacted
        assertEquals(700, store.size());
        assertEquals(700, store.scannedRows());
        assertEquals(700, store.search(query(random(rnd), 1000)).matches().size());
        // ids still resolve after the renumbering
        store.remove(ids.get(999));
        assertEquals(699, store.size());
        assertTrue(store.search(query(random(rnd), 1000)).matches().stream().noneMatch(m -> m.embeddingId().equals(ids.get(999))));
    }

    @Test
    void addingAnExistingIdReplacesIt() {
        Ann4jEmbeddingStore store = new Ann4jEmbeddingStore();
        Random rnd = new Random(5);
        store.add("a", random(rnd));
        Embedding second = random(rnd);
        store.add("a", second);
        assertEquals(1, store.size());
        List<EmbeddingMatch<TextSegment>> m = store.search(query(second, 5)).matches();
        assertEquals(1, m.size());
        assertEquals(1.0, m.get(0).score(), 1e-6);
    }

    @Test
    void aSearchSeesOneConsistentSnapshotWhileOthersWrite() throws Exception {
        Ann4jEmbeddingStore store = new Ann4jEmbeddingStore();
        Random rnd = new Random(6);
        // rows come in pairs with the same metadata "pair"; writers add and remove whole pairs in one call
        for (int i = 0; i < 500; i++) {
            addPair(store, rnd, i);
        }
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<?>> tasks = new ArrayList<>();
        tasks.add(pool.submit(() -> {
            Random r = new Random(7);
            for (int i = 500; !stop.get(); i++) {
                addPair(store, r, i);
                store.removeAll(MetadataFilterBuilder.metadataKey("pair").isEqualTo(i - 400));
            }
        }));
        for (int t = 0; t < 2; t++) {
            int seed = 8 + t;
            tasks.add(pool.submit(() -> {
                Random r = new Random(seed);
                for (int i = 0; i < 200; i++) {
                    List<EmbeddingMatch<TextSegment>> all = store.search(query(random(r), 100_000)).matches();
                    // every pair is whole: no search sees half an add or half a removal
                    java.util.Map<Integer, Integer> count = new java.util.HashMap<>();
                    for (EmbeddingMatch<TextSegment> m : all) {
                        count.merge(m.embedded().metadata().getInteger("pair"), 1, Integer::sum);
                    }
                    for (var e : count.entrySet()) {
                        assertEquals(2, e.getValue(), "pair " + e.getKey() + " seen partly");
                    }
                }
            }));
        }
        try {
            tasks.get(1).get(120, TimeUnit.SECONDS);
            tasks.get(2).get(120, TimeUnit.SECONDS);
        } finally {
            stop.set(true);
            tasks.get(0).get(60, TimeUnit.SECONDS);
            pool.shutdown();
        }
    }

    private static void addPair(Ann4jEmbeddingStore store, Random rnd, int pair) {
        Metadata md = Metadata.from("pair", String.valueOf(pair)).put("pair", pair);
        store.addAll(List.of(random(rnd), random(rnd)), List.of(TextSegment.from("a", md), TextSegment.from("b", md.copy())));
    }

    @Test
    void aSavedStoreLoadsBackWithItsIdsSegmentsAndTypedMetadata(@TempDir Path dir) throws IOException {
        Ann4jEmbeddingStore store = new Ann4jEmbeddingStore();
        Random rnd = new Random(10);
        Metadata md = new Metadata().put("s", "x").put("i", 7).put("l", 1L << 40).put("f", 1.5f).put("d", 2.25)
                .put("u", java.util.UUID.fromString("1f6e5f3c-0000-4000-8000-000000000001"));
        String a = store.add(random(rnd), TextSegment.from("with metadata", md));
        String b = store.add(random(rnd));
        store.add(random(rnd), TextSegment.from("removed"));
        store.remove(store.search(query(random(rnd), 3)).matches().stream()
                .filter(m -> m.embedded() != null && m.embedded().text().equals("removed")).findFirst().orElseThrow().embeddingId());
        store.save(dir);
        Ann4jEmbeddingStore loaded = Ann4jEmbeddingStore.load(dir);
        assertEquals(2, loaded.size());
        List<EmbeddingMatch<TextSegment>> all = loaded.search(query(random(rnd), 10)).matches();
        EmbeddingMatch<TextSegment> withMd = all.stream().filter(m -> m.embeddingId().equals(a)).findFirst().orElseThrow();
        assertEquals(md, withMd.embedded().metadata());
        assertEquals("with metadata", withMd.embedded().text());
        assertTrue(all.stream().anyMatch(m -> m.embeddingId().equals(b) && m.embedded() == null));
    }

    @Test
    void aCrashMidSaveLeavesThePreviousSaveIntact(@TempDir Path dir) throws IOException {
        Ann4jEmbeddingStore store = new Ann4jEmbeddingStore();
        Random rnd = new Random(11);
        for (int i = 0; i < 10; i++) {
            store.add(random(rnd));
        }
        store.save(dir);
        for (int i = 0; i < 5; i++) {
            store.add(random(rnd));
        }
        RuntimeException crash = new RuntimeException("crash before the commit");
        assertThrows(RuntimeException.class, () -> store.save(dir, () -> {
            throw crash;
        }));
        assertEquals(10, Ann4jEmbeddingStore.load(dir).size(), "the previous save is what loads");
        store.save(dir); // the next save succeeds over the debris of the crashed one
        assertEquals(15, Ann4jEmbeddingStore.load(dir).size());
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "CURRENT and one generation remain");
        }
    }

    @Test
    void badInputIsRefusedNamingTheArgumentAndNothingIsAdded() {
        Ann4jEmbeddingStore store = new Ann4jEmbeddingStore();
        store.add(Embedding.from(new float[] {1, 2, 3}));
        IllegalArgumentException dim = assertThrows(IllegalArgumentException.class,
                () -> store.addAll(List.of(Embedding.from(new float[] {1, 2, 3}), Embedding.from(new float[] {1, 2}))));
        assertTrue(dim.getMessage().contains("embedding 1") && dim.getMessage().contains("dimension 2")
                && dim.getMessage().contains("dimension 3"), dim.getMessage());
        assertEquals(1, store.size(), "nothing of a refused call is added");
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> store.add(Embedding.from(new float[] {1, Float.NaN, 3})));
        assertTrue(nan.getMessage().contains("NaN") && nan.getMessage().contains("element 1"), nan.getMessage());
        IllegalArgumentException query = assertThrows(IllegalArgumentException.class,
                () -> store.search(query(Embedding.from(new float[] {1, 2}), 3)));
        assertTrue(query.getMessage().contains("dimension 2") && query.getMessage().contains("dimension 3"), query.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Ann4jEmbeddingStore.builder().recallTarget(0));
    }

    @Test
    void aBf16StoreHalvesTheMemoryAndKeepsItsRecallTarget() {
        Ann4jEmbeddingStore exact = new Ann4jEmbeddingStore();
        Ann4jEmbeddingStore half = Ann4jEmbeddingStore.builder().bf16(true).recallTarget(0.95).chunkRows(4096).build();
        Random rnd = new Random(13);
        for (int i = 0; i < 20_000; i++) {
            Embedding e = random(rnd);
            exact.add("r" + i, e);
            half.add("r" + i, e);
        }
        assertTrue(half.offHeapBytes() < 0.6 * exact.offHeapBytes(), half.offHeapBytes() + " against " + exact.offHeapBytes());
        int hits = 0;
        for (int t = 0; t < 20; t++) {
            Embedding q = random(rnd);
            Set<String> truth = new HashSet<>();
            exact.search(query(q, 10)).matches().forEach(m -> truth.add(m.embeddingId()));
            List<EmbeddingMatch<TextSegment>> found = half.search(query(q, 10)).matches();
            assertEquals(10, found.size());
            for (EmbeddingMatch<TextSegment> m : found) {
                hits += truth.contains(m.embeddingId()) ? 1 : 0;
                // the embedding comes back rounded to bf16: within bf16's relative precision of the original
                float[] back = m.embedding().vector();
                assertEquals(D, back.length);
            }
        }
        assertTrue(hits >= 0.95 * 200, "recall " + hits + "/200");
    }

    @Test
    void anApproximateStoreKeepsItsRecallTarget() {
        Ann4jEmbeddingStore exact = new Ann4jEmbeddingStore();
        Ann4jEmbeddingStore approx = Ann4jEmbeddingStore.builder().recallTarget(0.9).build();
        Random rnd = new Random(12);
        for (int i = 0; i < 20_000; i++) {
            Embedding e = random(rnd);
            exact.add("r" + i, e);
            approx.add("r" + i, e);
        }
        int hits = 0;
        int total = 0;
        for (int t = 0; t < 20; t++) {
            Embedding q = random(rnd);
            Set<String> truth = new HashSet<>();
            exact.search(query(q, 10)).matches().forEach(m -> truth.add(m.embeddingId()));
            for (EmbeddingMatch<TextSegment> m : approx.search(query(q, 10)).matches()) {
                hits += truth.contains(m.embeddingId()) ? 1 : 0;
            }
            total += 10;
        }
        assertTrue(hits >= 0.9 * total, "recall " + hits + "/" + total);
    }
}
