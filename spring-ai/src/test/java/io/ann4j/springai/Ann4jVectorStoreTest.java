package io.ann4j.springai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.springframework.ai.document.Document;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.SimpleVectorStore;
import org.springframework.ai.vectorstore.VectorStore;

/**
 * The store answers as Spring AI's own {@link SimpleVectorStore} does on the same documents, model
 * and requests: the same documents in the same order, the same scores, for filter expressions of
 * every kind (parsed by Spring AI from text), with top-k and similarity thresholds.
 */
class Ann4jVectorStoreTest {
    private static final MiniLmEmbeddingModel MODEL = new MiniLmEmbeddingModel();
    private static Ann4jVectorStore ann4j;
    private static SimpleVectorStore simple;

    @BeforeAll
    static void load() {
        String[] topics = {"the cat sat on the mat", "stock markets fell sharply", "a recipe for lemon cake",
            "the striker scored twice", "new telescope images of a nebula", "how to repair a bicycle tyre"};
        String[] countries = {"BG", "NL", "FR", "US"};
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            Map<String, Object> md = new java.util.HashMap<>();
            md.put("country", countries[i % 4]);
            md.put("year", 2015 + i % 9);
            md.put("active", i % 3 == 0);
            if (i % 5 != 0) {
                md.put("rating", (i % 7) / 2.0);
            }
            docs.add(new Document("doc-" + i, topics[i % topics.length] + " (" + i + ")", md));
        }
        ann4j = Ann4jVectorStore.of(MODEL);
        simple = SimpleVectorStore.builder(MODEL).build();
        ann4j.add(docs);
        simple.add(docs);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "country == 'BG'", "country != 'BG'", "year >= 2020", "year < 2018 && country in ['NL', 'FR']",
        "country nin ['NL', 'FR'] || year == 2016", "NOT (country == 'US')", "active == true", "active == false && year > 2016",
        "rating > 1.0", "rating >= 0.5 || country == 'US'", "(country == 'BG' || country == 'NL') && year <= 2019"})
    void answersAsSpringAisSimpleVectorStoreDoes(String filter) {
        for (String q : new String[] {"a cat on a mat", "football match goals", "baking a cake"}) {
            for (double threshold : new double[] {0.0, 0.3}) {
                SearchRequest.Builder b = SearchRequest.builder().query(q).topK(7).similarityThreshold(threshold);
                if (!filter.isEmpty()) {
                    b.filterExpression(filter);
                }
                SearchRequest r = b.build();
                List<Document> expected = simple.similaritySearch(r);
                List<Document> actual = ann4j.similaritySearch(r);
                String what = "query '" + q + "', filter '" + filter + "', threshold " + threshold;
                assertEquals(expected.stream().map(Document::getId).toList(), actual.stream().map(Document::getId).toList(), what);
                for (int i = 0; i < expected.size(); i++) {
                    assertEquals(expected.get(i).getScore(), actual.get(i).getScore(), 1e-5, what + " score " + i);
                    assertEquals(expected.get(i).getMetadata().get("country"), actual.get(i).getMetadata().get("country"));
                    assertEquals(expected.get(i).getMetadata().get("active"), actual.get(i).getMetadata().get("active"),
                            "metadata comes back with its own types");
                }
            }
        }
    }

    /**
     * Where the two differ, on purpose: a comparison with a key the document lacks is false here,
     * as in SQL and in LangChain4j. SimpleVectorStore evaluates filters in SpEL, where null compares
     * below every number, so {@code rating <= 0.5} there also returns the documents without a rating.
     * {@code rating IS NULL} asks for those.
     */
    @Test
    void aComparisonWithAMissingKeyIsFalse() {
        SearchRequest below = SearchRequest.builder().query("a cat on a mat").topK(100).filterExpression("rating <= 0.5").build();
        List<Document> found = ann4j.similaritySearch(below);
        assertTrue(!found.isEmpty() && found.stream().allMatch(d -> d.getMetadata().containsKey("rating")), found.toString());
        assertTrue(simple.similaritySearch(below).stream().anyMatch(d -> !d.getMetadata().containsKey("rating")),
                "SimpleVectorStore's SpEL treats the missing key as below 0.5");
        SearchRequest isNull = SearchRequest.builder().query("a cat on a mat").topK(100).filterExpression("rating IS NULL").build();
        List<Document> missing = ann4j.similaritySearch(isNull);
        assertTrue(!missing.isEmpty() && missing.stream().noneMatch(d -> d.getMetadata().containsKey("rating")));
        assertEquals(simple.similaritySearch(isNull).stream().map(Document::getId).toList(), missing.stream().map(Document::getId).toList());
    }

    @Test
    void aFilterKeepsTheResultFull() {
        SearchRequest r = SearchRequest.builder().query("a cat on a mat").topK(10).filterExpression("country == 'US' && year == 2018").build();
        List<Document> found = ann4j.similaritySearch(r);
        long matching = 60 / 4 / 9 + 1; // enough rows match for a full page or all of them come back
        assertTrue(found.size() >= Math.min(10, matching - 1) && found.stream().allMatch(d -> "US".equals(d.getMetadata().get("country"))),
                found.toString());
        assertEquals(simple.similaritySearch(r).size(), found.size());
    }

    @Test
    void aSavedStoreLoadsBackAndAnswersTheSame(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        ann4j.save(dir);
        Ann4jVectorStore loaded = Ann4jVectorStore.load(dir, MODEL);
        assertEquals(ann4j.size(), loaded.size());
        SearchRequest r = SearchRequest.builder().query("baking a cake").topK(5).filterExpression("year >= 2018").build();
        assertEquals(ann4j.similaritySearch(r).stream().map(Document::getId).toList(),
                loaded.similaritySearch(r).stream().map(Document::getId).toList());
        assertEquals("true", loaded.similaritySearch(SearchRequest.builder().query("cake").topK(1).filterExpression("active == true")
                .build()).get(0).getMetadata().get("active"), "booleans come back as strings");
    }

    @Test
    void aSearchByVectorAnswersAsTheSearchByText() {
        SearchRequest r = SearchRequest.builder().query("football match goals").topK(5).filterExpression("year >= 2017").build();
        assertEquals(ann4j.similaritySearch(r).stream().map(Document::getId).toList(),
                ann4j.similaritySearch(MODEL.embed("football match goals"), r).stream().map(Document::getId).toList());
    }

    @Test
    void addsAndQueriesAreObservedThroughTheRegistry() {
        java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.micrometer.observation.ObservationRegistry registry = io.micrometer.observation.ObservationRegistry.create();
        registry.observationConfig().observationHandler(new io.micrometer.observation.ObservationHandler<>() {
            @Override
            public boolean supportsContext(io.micrometer.observation.Observation.Context context) {
                return true;
            }

            @Override
            public void onStart(io.micrometer.observation.Observation.Context context) {
                if (context instanceof org.springframework.ai.vectorstore.observation.VectorStoreObservationContext v) {
                    seen.add(v.getOperationName() + " " + v.getDatabaseSystem());
                }
            }
        });
        Ann4jVectorStore store = Ann4jVectorStore.builder(MODEL).observationRegistry(registry).build();
        store.add(List.of(new Document("one", "a cat on a mat", Map.of())));
        store.similaritySearch(SearchRequest.builder().query("cat").topK(1).build());
        assertEquals(2, seen.size(), seen.toString());
        assertEquals(List.of("add ann4j", "query ann4j"), seen);
    }

    @Test
    void badRequestsAreRefusedNamingWhatIsWrong() {
        VectorStore store = Ann4jVectorStore.of(MODEL);
        assertThrows(IllegalArgumentException.class, () -> store.add(null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.delete((List<String>) null));
        assertTrue(e.getMessage().contains("ids"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Ann4jVectorStore.of(null));
    }
}
