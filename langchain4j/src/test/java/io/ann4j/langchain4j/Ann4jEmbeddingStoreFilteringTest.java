package io.ann4j.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreWithFilteringIT;

/**
 * LangChain4j's own suite for stores with metadata filters (and, through it, {@code
 * EmbeddingStoreIT}'s adds, searches, scores and metadata types), run unchanged from the published
 * test-jar. The embeddings come from a real model that ships inside a jar: all-MiniLM-L6-v2,
 * quantized, run by ONNX Runtime in the process (no network, no service), as LangChain4j's own
 * in-memory store is tested.
 */
class Ann4jEmbeddingStoreFilteringTest extends EmbeddingStoreWithFilteringIT {
    private final Ann4jEmbeddingStore store = new Ann4jEmbeddingStore();
    private static final EmbeddingModel MODEL = new AllMiniLmL6V2QuantizedEmbeddingModel();

    @Override
    protected EmbeddingStore<TextSegment> embeddingStore() {
        return store;
    }

    @Override
    protected EmbeddingModel embeddingModel() {
        return MODEL;
    }

    /** Every filter is evaluated by its own {@code test}, so {@code ContainsString} works as LangChain4j defines it. */
    @Override
    protected boolean supportsContains() {
        return true;
    }
}
