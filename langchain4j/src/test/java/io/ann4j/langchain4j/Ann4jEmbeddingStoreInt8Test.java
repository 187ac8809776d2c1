package io.ann4j.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.filter.Filter;
import dev.langchain4j.store.embedding.filter.MetadataFilterBuilder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The int8 option: each chunk's filled rows prepared in place and scored by the int8 product,
 * the rows past them searched as before; the scores returned are the exact search's.
 */
class Ann4jEmbeddingStoreInt8Test {
    private static final int D = 24;

    private static Embedding random(Random rnd) {
        float[] v = new float[D];
        for (int i = 0; i < D; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return Embedding.from(v);
    }

    /** Small chunks and prefix blocks, and the int8 product forced on data this small. */
    private static Ann4jEmbeddingStore int8Store() {
        return Ann4jEmbeddingStore.builder().recallTarget(0.95).int8(true).chunkRows(4096).prefixBlock(512)
                .prefixProduct("int8").build();
    }

    private static EmbeddingSearchRequest request(Embedding q, Filter f) {
        return EmbeddingSearchRequest.builder().queryEmbedding(q).maxResults(10).filter(f).build();
    }

    /** Compares one search of both stores: recall counted, scores of shared ids identical. */
    private static int compare(Ann4jEmbeddingStore exact, Ann4jEmbeddingStore int8, EmbeddingSearchRequest req) {
        List<EmbeddingMatch<TextSegment>> truth = exact.search(req).matches();
        List<EmbeddingMatch<TextSegment>> found = int8.search(req).matches();
        assertEquals(truth.size(), found.size(), "the int8 store returns as many matches");
        Map<String, Double> scores = new HashMap<>();
        truth.forEach(m -> scores.put(m.embeddingId(), m.score()));
        int hits = 0;
        for (EmbeddingMatch<TextSegment> m : found) {
            Double s = scores.get(m.embeddingId());
            if (s != null) {
                hits++;
                assertEquals(s, m.score(), 0.0, "the exact score of " + m.embeddingId() + " (re-ranked exactly)");
            }
        }
        return hits;
    }

    @Test
    void searchesWhileGrowingAndRemovingKeepTheRecallTargetAndTheExactScores() {
        Ann4jEmbeddingStore exact = Ann4jEmbeddingStore.builder().chunkRows(4096).build();
        Ann4jEmbeddingStore int8 = int8Store();
        Random rnd = new Random(5);
        int hits = 0;
        int total = 0;
        int row = 0;
        for (int round = 0; round < 12; round++) {
            for (int i = 0; i < 900; i++, row++) {
                Embedding e = random(rnd);
                TextSegment s = TextSegment.from("t", new Metadata().put("group", row % 5));
                exact.addAll(List.of("r" + row), List.of(e), List.of(s));
                int8.addAll(List.of("r" + row), List.of(e), List.of(s));
            }
            if (round % 3 == 2) { // removals: the prepared rows stay, masked
                List<String> gone = List.of("r" + (row - 1000), "r" + (row - 2000), "r" + (row / 2));
                exact.removeAll(gone);
                int8.removeAll(gone);
            }
            for (int t = 0; t < 4; t++) {
                Embedding q = random(rnd);
                Filter f = t % 2 == 0 ? null : MetadataFilterBuilder.metadataKey("group").isEqualTo(t % 5);
                hits += compare(exact, int8, request(q, f));
                total += 10;
            }
        }
        assertTrue(int8.preparedRows() >= 8192, "prepared rows " + int8.preparedRows());
        assertTrue(hits >= 0.95 * total, "recall " + hits + "/" + total);
    }

    @Test
    void rowsAddedAfterThePrefixWasPreparedAreFound() {
        Ann4jEmbeddingStore int8 = int8Store();
        Random rnd = new Random(6);
        for (int i = 0; i < 3000; i++) {
            int8.add("r" + i, random(rnd));
        }
        int8.search(request(random(rnd), null)); // prepares rows [0, 2560)
        long prepared = int8.preparedRows();
        assertEquals(2560, prepared);
        Embedding late = random(rnd);
        int8.add("late", late); // row 3000: in the tail, past the prefix
        List<EmbeddingMatch<TextSegment>> found = int8.search(request(late, null)).matches();
        assertEquals("late", found.get(0).embeddingId());
        assertEquals(1.0, found.get(0).score(), 1e-6);
        assertEquals(prepared, int8.preparedRows(), "a few rows more do not prepare the prefix again");
    }

    @Test
    void withoutARecallTargetBelowOneNothingIsPrepared() {
        Ann4jEmbeddingStore exactInt8 = Ann4jEmbeddingStore.builder().int8(true).chunkRows(4096).prefixBlock(512).build();
        Random rnd = new Random(7);
        for (int i = 0; i < 3000; i++) {
            exactInt8.add(random(rnd));
        }
        exactInt8.search(request(random(rnd), null));
        assertEquals(0, exactInt8.preparedRows());
    }

    @Test
    void compactionAndClearingForgetThePrefixes() {
        Ann4jEmbeddingStore int8 = int8Store();
        Random rnd = new Random(8);
        for (int i = 0; i < 3000; i++) {
            int8.add("r" + i, random(rnd));
        }
        int8.search(request(random(rnd), null));
        assertTrue(int8.preparedRows() > 0);
        int8.removeAll();
        assertEquals(0, int8.preparedRows(), "the cleared chunks' prefixes are dropped");
    }
}
