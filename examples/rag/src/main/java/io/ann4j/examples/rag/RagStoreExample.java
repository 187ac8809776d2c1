package io.ann4j.examples.rag;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.filter.MetadataFilterBuilder;
import io.ann4j.langchain4j.Ann4jEmbeddingStore;
import io.ann4j.springai.Ann4jVectorStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.ai.document.Document;
import org.springframework.ai.vectorstore.SearchRequest;

/**
 * A small retrieval store, both ways (run: {@code mvn -q -pl examples/rag exec:java}, or the
 * test). Text files are split into paragraphs, embedded with all-MiniLM-L6-v2 (quantized; it ships
 * inside a jar and runs in the process), stored with their file as metadata, searched with a
 * filter, saved to a directory and loaded back:
 * <ol>
 *   <li>with LangChain4j's API ({@link Ann4jEmbeddingStore});</li>
 *   <li>with Spring AI's API ({@link Ann4jVectorStore}), the same model behind Spring AI's
 *   {@code EmbeddingModel}.</li>
 * </ol>
 */
public final class RagStoreExample {
    static final String[] FILES = {"astronomy.txt", "cooking.txt", "cycling.txt"};

    private RagStoreExample() {}

    /** What the example found, for the test and the printout. */
    record Report(int paragraphs, String bestForBrakes, List<String> cyclingOnly, String afterReload, String springBest,
                  List<String> springFiltered) {}

    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("ann4j-rag");
        Report r = run(dir);
        System.out.println("paragraphs stored: " + r.paragraphs());
        System.out.println("LangChain4j, 'why do brakes work better when wet?': " + r.bestForBrakes());
        System.out.println("LangChain4j, 'how do I fix it?' in cycling.txt only: " + r.cyclingOnly());
        System.out.println("after saving to " + dir + " and loading back: " + r.afterReload());
        System.out.println("Spring AI, 'baking with lemons': " + r.springBest());
        System.out.println("Spring AI, 'stars and planets' where file != 'astronomy.txt': " + r.springFiltered());
    }

    static Report run(Path saveDir) throws IOException {
        EmbeddingModel model = new AllMiniLmL6V2QuantizedEmbeddingModel();

        // 1. LangChain4j: paragraphs with their file as metadata
        Ann4jEmbeddingStore store = new Ann4jEmbeddingStore();
        List<TextSegment> segments = paragraphs();
        List<Embedding> embeddings = model.embedAll(segments).content();
        store.addAll(embeddings, segments);

        String brakes = best(store, model, "why do brakes work better when wet?", null).get(0);
        List<String> cycling = best(store, model, "how do I fix it?", "cycling.txt");

        // save atomically, load back, and the same question gets the same answer
        store.save(saveDir);
        Ann4jEmbeddingStore loaded = Ann4jEmbeddingStore.load(saveDir);
        String reloaded = best(loaded, model, "why do brakes work better when wet?", null).get(0);

        // 2. Spring AI: the same paragraphs as Documents, the same model behind Spring AI's interface
        Ann4jVectorStore vectorStore = Ann4jVectorStore.builder(new SpringAiMiniLm(model)).build();
        List<Document> docs = new ArrayList<>();
        for (TextSegment s : segments) {
            docs.add(new Document(s.text(), Map.of("file", s.metadata().getString("file"))));
        }
        vectorStore.add(docs);
        String lemons = vectorStore.similaritySearch(SearchRequest.builder().query("baking with lemons").topK(1).build())
                .get(0).getText();
        List<String> notAstronomy = vectorStore.similaritySearch(SearchRequest.builder().query("stars and planets").topK(2)
                .filterExpression("file != 'astronomy.txt'").build()).stream().map(d -> d.getMetadata().get("file") + ": " + d.getText()).toList();
        return new Report(segments.size(), brakes, cycling, reloaded, lemons, notAstronomy);
    }

    /** The texts of the best two paragraphs for {@code question}, only from {@code file} when it is given. */
    private static List<String> best(Ann4jEmbeddingStore store, EmbeddingModel model, String question, String file) {
        EmbeddingSearchRequest.EmbeddingSearchRequestBuilder b = EmbeddingSearchRequest.builder()
                .queryEmbedding(model.embed(question).content()).maxResults(2);
        if (file != null) {
            b.filter(MetadataFilterBuilder.metadataKey("file").isEqualTo(file));
        }
        return store.search(b.build()).matches().stream().map(EmbeddingMatch::embedded).map(TextSegment::text).toList();
    }

    /** The example's text files, one segment per paragraph, with the file name as metadata. */
    static List<TextSegment> paragraphs() throws IOException {
        List<TextSegment> out = new ArrayList<>();
        for (String f : FILES) {
            try (InputStream in = RagStoreExample.class.getResourceAsStream("/rag/" + f)) {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                for (String p : text.split("\\R\\s*\\R")) {
                    if (!p.isBlank()) {
                        out.add(TextSegment.from(p.strip(), Metadata.from("file", f)));
                    }
                }
            }
        }
        return out;
    }
}
