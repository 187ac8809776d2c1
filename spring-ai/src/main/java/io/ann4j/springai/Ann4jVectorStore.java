package io.ann4j.springai;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import io.ann4j.langchain4j.Ann4jEmbeddingStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.embedding.EmbeddingOptions;
import org.springframework.ai.vectorstore.AbstractVectorStoreBuilder;
import org.springframework.ai.vectorstore.observation.AbstractObservationVectorStore;
import org.springframework.ai.vectorstore.observation.VectorStoreObservationContext;
import org.springframework.ai.vectorstore.filter.Filter;

/**
 * A Spring AI {@code VectorStore} on ann4j, observed as Spring AI's stores are
 * ({@link AbstractObservationVectorStore}), embedded in the process: the same core as
 * {@link Ann4jEmbeddingStore} (the fused cosine search, filters as a mask before the top-k,
 * amortised appends, removal with compaction, snapshot reads, atomic saves).
 *
 * <ul>
 *   <li>{@link #add} embeds each document's content with the store's {@link EmbeddingModel}.</li>
 *   <li>{@link #similaritySearch(SearchRequest)} honours {@code topK}, {@code similarityThreshold}
 *   (on the cosine similarity, as Spring AI's {@code SimpleVectorStore} applies it) and
 *   {@code filterExpression} (Spring AI's filter AST, run inside the search: {@link SpringFilters}).
 *   Each document comes back as it was added, with its score (the cosine similarity) and the
 *   metadata entry {@code distance} ({@code 1 - score}).</li>
 *   <li>{@link #delete(List)} and {@link #delete(Filter.Expression)} remove by id and by filter.</li>
 * </ul>
 */
public final class Ann4jVectorStore extends AbstractObservationVectorStore {
    private final Ann4jEmbeddingStore core;
    /** The documents as added, by id (what searches return, metadata types intact). */
    private final Map<String, Document> documents = new ConcurrentHashMap<>();

    private Ann4jVectorStore(Builder b, Ann4jEmbeddingStore core) {
        super(b);
        this.core = core;
    }

    /**
     * A builder, Spring AI's way: the {@link EmbeddingModel} injected, then the observation
     * registry, convention and batching strategy of {@link AbstractVectorStoreBuilder}, and ann4j's
     * recall target and the bf16 and int8 options.
     */
    public static Builder builder(EmbeddingModel model) {
        if (model == null) {
            throw new IllegalArgumentException("Ann4jVectorStore: the embedding model cannot be null");
        }
        return new Builder(model);
    }

    /** A store with exact search and no observation. */
    public static Ann4jVectorStore of(EmbeddingModel model) {
        return builder(model).build();
    }

    /** {@link Ann4jVectorStore}'s builder. */
    public static final class Builder extends AbstractVectorStoreBuilder<Builder> {
        private final Ann4jEmbeddingStore.Builder core = Ann4jEmbeddingStore.builder();

        private Builder(EmbeddingModel model) {
            super(model);
        }

        /** The search's recall target in (0, 1]; 1 (the default) is exact. */
        public Builder recallTarget(double target) {
            core.recallTarget(target);
            return this;
        }


        /** Whether embeddings are stored as bf16 ({@link Ann4jEmbeddingStore.Builder#bf16}). */
        public Builder bf16(boolean enabled) {
            core.bf16(enabled);
            return this;
        }

        /** Whether approximate searches score with the int8 product ({@link Ann4jEmbeddingStore.Builder#int8}). */
        public Builder int8(boolean enabled) {
            core.int8(enabled);
            return this;
        }

        @Override
        public Ann4jVectorStore build() {
            return new Ann4jVectorStore(this, core.build());
        }
    }

    @Override
    public VectorStoreObservationContext.Builder createObservationContextBuilder(String operationName) {
        return VectorStoreObservationContext.builder("ann4j", operationName)
                .dimensions(embeddingModel.dimensions())
                .collectionName("ann4j")
                .similarityMetric("cosine");
    }

    @Override
    public String getName() {
        return "Ann4jVectorStore";
    }

    @Override
    public <T> Optional<T> getNativeClient() {
        @SuppressWarnings("unchecked")
        T client = (T) core;
        return Optional.of(client);
    }

    @Override
    public void add(List<Document> docs) {
        if (docs == null) {
            throw new IllegalArgumentException("add: documents cannot be null");
        }
        super.add(docs);
    }

    @Override
    public void doAdd(List<Document> docs) {
        List<String> ids = new ArrayList<>(docs.size());
        List<dev.langchain4j.data.embedding.Embedding> embeddings = new ArrayList<>(docs.size());
        List<TextSegment> segments = new ArrayList<>(docs.size());
        List<float[]> vectors = embeddingModel.embed(docs, EmbeddingOptions.builder().build(), batchingStrategy);
        for (int i = 0; i < docs.size(); i++) {
            Document d = docs.get(i);
            String id = d.getId() == null ? UUID.randomUUID().toString() : d.getId();
            ids.add(id);
            embeddings.add(dev.langchain4j.data.embedding.Embedding.from(vectors.get(i)));
            segments.add(TextSegment.from(d.getText() == null || d.getText().isBlank() ? "(no text)" : d.getText(), metadata(d)));
        }
        core.addAll(ids, embeddings, segments);
        for (int i = 0; i < docs.size(); i++) {
            documents.put(ids.get(i), docs.get(i));
        }
    }

    /** Spring AI metadata as the core holds it: numbers, strings and UUIDs as they are, booleans and others as strings. */
    private static Metadata metadata(Document d) {
        Metadata m = new Metadata();
        for (Map.Entry<String, Object> e : d.getMetadata().entrySet()) {
            Object v = SpringFilters.normalized(e.getValue());
            switch (v) {
                case String s -> m.put(e.getKey(), s);
                case Integer i -> m.put(e.getKey(), i);
                case Long l -> m.put(e.getKey(), l);
                case Float f -> m.put(e.getKey(), f);
                case Double x -> m.put(e.getKey(), x);
                case UUID u -> m.put(e.getKey(), u);
                case null -> { }
                default -> m.put(e.getKey(), v.toString());
            }
        }
        return m;
    }

    @Override
    public void delete(List<String> ids) {
        if (ids == null) {
            throw new IllegalArgumentException("delete: ids cannot be null");
        }
        super.delete(ids);
    }

    @Override
    public void doDelete(List<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        core.removeAll(ids);
        ids.forEach(documents::remove);
    }

    @Override
    public void delete(Filter.Expression filterExpression) {
        if (filterExpression == null) {
            throw new IllegalArgumentException("delete: the filter expression cannot be null");
        }
        super.delete(filterExpression);
    }

    @Override
    protected void doDelete(Filter.Expression filterExpression) {
        core.removeMatching(SpringFilters.convert(filterExpression)).forEach(documents::remove);
    }

    @Override
    public List<Document> similaritySearch(SearchRequest request) {
        if (request == null || request.getQuery() == null) {
            throw new IllegalArgumentException("similaritySearch: the request and its query cannot be null");
        }
        return super.similaritySearch(request);
    }

    @Override
    public List<Document> doSimilaritySearch(SearchRequest request) {
        return similaritySearch(embeddingModel.embed(request.getQuery()), request);
    }

    /**
     * A search by vector: {@code embedding} (of the store's dimension) in place of the request's
     * query text; {@code topK}, {@code similarityThreshold} and {@code filterExpression} as in
     * {@link #similaritySearch(SearchRequest)}. Not observed (no model call to observe).
     */
    public List<Document> similaritySearch(float[] embedding, SearchRequest request) {
        if (embedding == null || request == null) {
            throw new IllegalArgumentException("similaritySearch: the embedding and the request cannot be null");
        }
        double threshold = request.getSimilarityThreshold();
        EmbeddingSearchRequest.EmbeddingSearchRequestBuilder b = EmbeddingSearchRequest.builder()
                .queryEmbedding(dev.langchain4j.data.embedding.Embedding.from(embedding))
                .maxResults(request.getTopK())
                .minScore(Math.max(0.0, (threshold + 1) / 2));
        if (request.hasFilterExpression()) {
            b.filter(SpringFilters.convert(request.getFilterExpression()));
        }
        List<Document> out = new ArrayList<>();
        for (EmbeddingMatch<TextSegment> m : core.search(b.build()).matches()) {
            double cos = 2 * m.score() - 1;
            Document d = documents.get(m.embeddingId());
            if (d == null || cos < threshold) {
                continue; // removed after the search's snapshot, or just under the threshold
            }
            out.add(d.mutate().score(cos).metadata("distance", (float) (1 - cos)).build());
        }
        return out;
    }

    /** Documents in the store. */
    public int size() {
        return core.size();
    }

    /** Saves the vectors and the documents' text and metadata atomically ({@link Ann4jEmbeddingStore#save(Path)}). */
    public void save(Path dir) throws IOException {
        core.save(dir);
    }

    /**
     * A store holding what {@code dir} last saved. Documents come back with their ids, text and
     * metadata; boolean metadata, held as strings by the core, comes back as {@code "true"} or
     * {@code "false"}.
     */
    public static Ann4jVectorStore load(Path dir, EmbeddingModel model) throws IOException {
        Ann4jVectorStore store = new Ann4jVectorStore(builder(model), Ann4jEmbeddingStore.load(dir));
        store.core.forEach((id, segment) -> store.documents.put(id,
                new Document(id, segment == null ? "" : segment.text(), segment == null ? Map.of() : segment.metadata().toMap())));
        return store;
    }
}
