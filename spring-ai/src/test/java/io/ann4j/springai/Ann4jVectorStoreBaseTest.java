package io.ann4j.springai;

import java.util.function.Consumer;
import org.springframework.ai.test.vectorstore.BaseVectorStoreTests;
import org.springframework.ai.vectorstore.VectorStore;

/** Spring AI's own vector store suite ({@code spring-ai-test}), run unchanged against a fresh store per test. */
class Ann4jVectorStoreBaseTest extends BaseVectorStoreTests {
    @Override
    protected void executeTest(Consumer<VectorStore> testFunction) {
        testFunction.accept(Ann4jVectorStore.of(new MiniLmEmbeddingModel()));
    }
}
