package io.ann4j.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreWithRemovalIT;

/** LangChain4j's own removal suite, run unchanged from the published test-jar (the model as in {@link Ann4jEmbeddingStoreFilteringTest}). */
class Ann4jEmbeddingStoreRemovalTest extends EmbeddingStoreWithRemovalIT {
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
}
