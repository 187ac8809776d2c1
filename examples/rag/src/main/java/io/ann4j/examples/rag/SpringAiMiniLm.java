package io.ann4j.examples.rag;

import dev.langchain4j.model.embedding.EmbeddingModel;
import java.util.ArrayList;
import java.util.List;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;

/** A LangChain4j embedding model behind Spring AI's {@link org.springframework.ai.embedding.EmbeddingModel}. */
final class SpringAiMiniLm implements org.springframework.ai.embedding.EmbeddingModel {
    private final EmbeddingModel model;

    SpringAiMiniLm(EmbeddingModel model) {
        this.model = model;
    }

    @Override
    public EmbeddingResponse call(EmbeddingRequest request) {
        List<Embedding> out = new ArrayList<>();
        for (int i = 0; i < request.getInstructions().size(); i++) {
            out.add(new Embedding(model.embed(request.getInstructions().get(i)).content().vector(), i));
        }
        return new EmbeddingResponse(out);
    }

    @Override
    public float[] embed(Document document) {
        return model.embed(document.getText()).content().vector();
    }

    @Override
    public int dimensions() {
        return model.dimension();
    }
}
