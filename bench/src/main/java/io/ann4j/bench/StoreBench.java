package io.ann4j.bench;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.filter.Filter;
import dev.langchain4j.store.embedding.filter.MetadataFilterBuilder;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import io.ann4j.langchain4j.Ann4jEmbeddingStore;
import io.ann4j.langchain4j.Ann4jStoreProbe;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.springframework.ai.document.Document;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.SimpleVectorStore;

/**
 * The stores side by side ({@code bench/run --store}): one query, k=10, against N embeddings of
 * D=384 (all-MiniLM's size; random unit-free Gaussian vectors), with no filter and with a filter
 * that keeps 10% of the rows. ann4j's LangChain4j store (exact f32, bf16 at recall target 0.95, and
 * f32 with the int8 option at 0.95) against LangChain4j's InMemoryEmbeddingStore and Spring AI's SimpleVectorStore
 * on the same rows; ann4j's stores are measured first, alone in the process, then freed before
 * the yardsticks are built. Recall is against InMemoryEmbeddingStore, which scores every row in double
 * precision (exact). Also: a million single appends, the off-heap bytes per embedding, and the
 * cost of a filter never seen before.
 */
final class StoreBench {
    static final int D = 384;
    /** Held here: the JDK keeps loggers weakly, and a collected one forgets its level. */
    private static final java.util.logging.Logger SPRING_AI_LOG = java.util.logging.Logger.getLogger("org.springframework.ai");

    private StoreBench() {}

    static List<Row> run(PrintStream out, int[] sizes, int runs) {
        // SimpleVectorStore logs a line per document it embeds
        SPRING_AI_LOG.setLevel(java.util.logging.Level.WARNING);
        List<Row> rows = new ArrayList<>();
        for (int n : sizes) {
            rows.addAll(run(out, n, runs));
        }
        return rows;
    }

    private static List<Row> run(PrintStream out, int n, int runs) {
        List<Row> rows = new ArrayList<>();
        String cpu = io.ann4j.runtime.cpu.search.CpuFeatures.model();
        out.printf(Locale.ROOT, "%nEmbedding stores, N=%,d, D=%d, one query, k=10, cosine (%s; medians of %d):%n", n, D, cpu, runs);
        Random rnd = new Random(21);
        List<Embedding> embeddings = new ArrayList<>(n);
        List<TextSegment> segments = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] v = new float[D];
            for (int j = 0; j < D; j++) {
                v[j] = (float) rnd.nextGaussian();
            }
            embeddings.add(Embedding.from(v));
            segments.add(TextSegment.from("row " + i, new Metadata().put("category", "c" + (i % 10)).put("year", 2000 + i % 25)));
        }
        float[] q = new float[D];
        for (int j = 0; j < D; j++) {
            q[j] = (float) rnd.nextGaussian();
        }
        Embedding query = Embedding.from(q);
        Object[][] filters = {{"none", null, null},
            {"category = c3 (10%)", MetadataFilterBuilder.metadataKey("category").isEqualTo("c3"), "category == 'c3'"}};

        // Phase 1: ann4j's stores alone in the process (each yardstick below gets the same: the
        // stores measured side by side, each where nothing else holds the memory)
        Ann4jEmbeddingStore exact = new Ann4jEmbeddingStore();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            exact.add("r" + i, embeddings.get(i));
        }
        double addUs = (System.nanoTime() - t0) / 1e3 / n;
        exact.removeAll();
        exact.addAll(ids(n), embeddings, segments);
        Ann4jEmbeddingStore approx = Ann4jEmbeddingStore.builder().recallTarget(0.95).bf16(true).build();
        approx.addAll(ids(n), embeddings, segments);
        Ann4jEmbeddingStore int8 = Ann4jEmbeddingStore.builder().recallTarget(0.95).int8(true).build();
        int8.addAll(ids(n), embeddings, segments);
        double bytesPerFloatByte = exact.offHeapBytes() / ((double) n * D * Float.BYTES);
        double bf16PerFloatByte = approx.offHeapBytes() / ((double) n * D * Float.BYTES);
        out.printf(Locale.ROOT, "ann4j: %,d single adds at %.2f us each; off-heap %.3f x the embeddings' float bytes (bf16: %.3f)%n",
                n, addUs, bytesPerFloatByte, bf16PerFloatByte);
        for (int w = 0; w < 10; w++) { // the programs for these shapes compiled, the JIT warm
            exact.search(request(query, w % 2 == 0 ? null : MetadataFilterBuilder.metadataKey("category").isEqualTo("c" + w)));
            approx.search(request(query, w % 2 == 0 ? null : MetadataFilterBuilder.metadataKey("category").isEqualTo("c" + w)));
            int8.search(request(query, w % 2 == 0 ? null : MetadataFilterBuilder.metadataKey("category").isEqualTo("c" + w)));
        }
        double int8PerFloatByte = int8.offHeapBytes() / ((double) n * D * Float.BYTES); // its int8 copy made by the searches above
        double[][] ann4jMs = new double[filters.length][3];
        List<Set<String>> exactIds = new ArrayList<>();
        List<Set<String>> approxIds = new ArrayList<>();
        List<Set<String>> int8Ids = new ArrayList<>();
        for (int f = 0; f < filters.length; f++) {
            EmbeddingSearchRequest req = request(query, (Filter) filters[f][1]);
            // interleaved, each call after a 150 ms pause: the f32 search's OpenBLAS threads spin
            // ~100 ms after a call and would slow the bf16 search's oneDNN call started then
            double[][] ms = Stats.interleavedMs(runs, List.of(() -> exact.search(req), () -> approx.search(req),
                    () -> int8.search(req)), 150);
            ann4jMs[f][0] = Stats.median(ms[0]);
            ann4jMs[f][1] = Stats.median(ms[1]);
            ann4jMs[f][2] = Stats.median(ms[2]);
            int8Ids.add(ids(int8.search(req).matches()));
            exactIds.add(ids(exact.search(req).matches()));
            approxIds.add(ids(approx.search(req).matches()));
        }
        double[] fresh = new double[runs];
        for (int r = 0; r < runs; r++) {
            fresh[r] = Ann4jStoreProbe.filterMs(exact, MetadataFilterBuilder.metadataKey("year").isGreaterThanOrEqualTo(2000 + 20 + r % 5)
                    .and(MetadataFilterBuilder.metadataKey("category").isIn("c1", "c" + (2 + r))));
        }
        exact.removeAll();
        approx.removeAll();
        int8.removeAll();
        System.gc();

        // Phase 2: the yardsticks, on the same rows
        InMemoryEmbeddingStore<TextSegment> inMemory = new InMemoryEmbeddingStore<>();
        inMemory.addAll(ids(n), embeddings, segments);
        out.printf(Locale.ROOT, "int8 at 0.95: off-heap %.3f x the float bytes (f32 rows and their int8 copy)%n", int8PerFloatByte);
        out.printf(Locale.ROOT, "%-24s %10s %10s %10s %10s %10s %9s %9s   %s%n", "filter", "ann4j ms", "bf16 0.95", "int8 0.95",
                "in-mem ms", "simple ms", "vs in-mem", "vs simple", "recall: ann4j, bf16 0.95, int8 0.95, simple");
        double[] inMemoryMs = new double[filters.length];
        List<Set<String>> truth = new ArrayList<>();
        for (int f = 0; f < filters.length; f++) {
            EmbeddingSearchRequest req = request(query, (Filter) filters[f][1]);
            inMemoryMs[f] = Stats.medianMs(Math.min(runs, 3), () -> inMemory.search(req));
            truth.add(ids(inMemory.search(req).matches()));
        }
        inMemory.removeAll();
        SimpleVectorStore simple = SimpleVectorStore.builder(new Precomputed(embeddings)).build();
        List<Document> docs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            docs.add(new Document("r" + i, "row " + i, Map.of("category", "c" + (i % 10), "year", 2000 + i % 25)));
        }
        simple.add(docs);
        docs.clear();
        Precomputed.query = q;
        for (int f = 0; f < filters.length; f++) {
            SearchRequest.Builder sb = SearchRequest.builder().query("q").topK(10).similarityThresholdAll();
            if (filters[f][2] != null) {
                sb.filterExpression((String) filters[f][2]);
            }
            SearchRequest sr = sb.build();
            double s = Stats.medianMs(Math.min(runs, 3), () -> simple.similaritySearch(sr));
            Set<String> simpleIds = new HashSet<>();
            simple.similaritySearch(sr).forEach(d -> simpleIds.add(d.getId()));
            double a = ann4jMs[f][0];
            double ap = ann4jMs[f][1];
            double a8 = ann4jMs[f][2];
            double rInt8 = recall(truth.get(f), int8Ids.get(f));
            double m = inMemoryMs[f];
            double rExact = recall(truth.get(f), exactIds.get(f));
            double rApprox = recall(truth.get(f), approxIds.get(f));
            double rSimple = recall(truth.get(f), simpleIds);
            out.printf(Locale.ROOT, "%-24s %10.1f %10.1f %10.1f %10.1f %10.1f %8.1fx %8.1fx   %.3f, %.3f, %.3f, %.3f   (bf16: %.1fx, %.1fx; int8: %.1fx, %.1fx)%n",
                    filters[f][0], a, ap, a8, m, s, m / a, s / a, rExact, rApprox, rInt8, rSimple, m / ap, s / ap, m / a8, s / a8);
            rows.add(new Row().put("op", "store_search").put("n", n).put("d", D).put("k", 10).put("filter", (String) filters[f][0])
                    .put("ann4j_ms", a).put("ann4j_bf16_095_ms", ap).put("ann4j_int8_095_ms", a8).put("recall_int8_095", rInt8)
                    .put("offheap_int8_per_float_byte", int8PerFloatByte).put("in_memory_ms", m).put("simple_ms", s)
                    .put("recall", rExact).put("recall_bf16_095", rApprox).put("recall_simple", rSimple)
                    .put("add_us", addUs).put("offheap_per_float_byte", bytesPerFloatByte)
                    .put("offheap_bf16_per_float_byte", bf16PerFloatByte).put("cpu", cpu));
        }
        out.printf(Locale.ROOT, "a filter never seen before (year >= Y and category in (...)): its rows in %.1f ms%n", Stats.median(fresh));
        rows.add(new Row().put("op", "store_filter").put("n", n).put("filter_eval_ms", Stats.median(fresh)).put("cpu", cpu));
        return rows;
    }

    private static List<String> ids(int n) {
        List<String> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add("r" + i);
        }
        return ids;
    }

    private static Set<String> ids(List<EmbeddingMatch<TextSegment>> matches) {
        Set<String> out = new HashSet<>();
        matches.forEach(m -> out.add(m.embeddingId()));
        return out;
    }

    private static double recall(Set<String> truth, Set<String> found) {
        int hit = 0;
        for (String id : found) {
            hit += truth.contains(id) ? 1 : 0;
        }
        return truth.isEmpty() ? 1.0 : hit / (double) truth.size();
    }

    private static EmbeddingSearchRequest request(Embedding q, Filter f) {
        return EmbeddingSearchRequest.builder().queryEmbedding(q).maxResults(10).filter(f).build();
    }

    /** Spring AI's store embeds text: this model hands it the bench's vectors ("row i" is row i; any other text the query). */
    private static final class Precomputed implements EmbeddingModel {
        static volatile float[] query;
        private final List<Embedding> rows;

        Precomputed(List<Embedding> rows) {
            this.rows = rows;
        }

        @Override
        public EmbeddingResponse call(EmbeddingRequest request) {
            List<org.springframework.ai.embedding.Embedding> out = new ArrayList<>();
            for (int i = 0; i < request.getInstructions().size(); i++) {
                out.add(new org.springframework.ai.embedding.Embedding(vector(request.getInstructions().get(i)), i));
            }
            return new EmbeddingResponse(out);
        }

        @Override
        public float[] embed(Document document) {
            return vector(document.getText());
        }

        private float[] vector(String text) {
            return text.startsWith("row ") ? rows.get(Integer.parseInt(text.substring(4))).vector() : query;
        }

        @Override
        public int dimensions() {
            return D;
        }
    }
}
