package io.ann4j.springai;

import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.ArrayList;
import java.util.List;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;

/**
 * all-MiniLM-L6-v2 (quantized, ONNX inside LangChain4j's jar, run in the process) behind Spring
 * AI's {@link EmbeddingModel}: a real model with no network and no service, for Spring AI's suite.
 */
final class MiniLmEmbeddingModel implements EmbeddingModel {
    private static final AllMiniLmL6V2QuantizedEmbeddingModel MODEL = new AllMiniLmL6V2QuantizedEmbeddingModel();

    @Override
    public EmbeddingResponse call(EmbeddingRequest request) {
        List<Embedding> out = new ArrayList<>();
        List<String> texts = request.getInstructions();
        for (int i = 0; i < texts.size(); i++) {
            out.add(new Embedding(MODEL.embed(texts.get(i)).content().vector(), i));
        }
        return new EmbeddingResponse(out);
    }

    @Override
    public float[] embed(Document document) {
        return MODEL.embed(document.getText()).content().vector();
    }

    @Override
    public int dimensions() {
        return 384;
    }
}
