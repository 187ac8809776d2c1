package io.ann4j.bench;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.filter.Filter;
import dev.langchain4j.store.embedding.filter.MetadataFilterBuilder;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import io.ann4j.langchain4j.Ann4jEmbeddingStore;
import io.ann4j.langchain4j.Ann4jStoreProbe;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The LangChain4j store at N rows ({@code bench/run --store}): a million single appends, one-query
 * searches with and without a metadata filter (the first use of a filter scans every row's
 * metadata; a repeated one reuses its mask), against LangChain4j's own InMemoryEmbeddingStore on
 * the same rows. Every row has {@code category} (100 values) and {@code year} (25 values).
 */
final class StoreBench {
    private StoreBench() {}

    static List<Row> run(PrintStream out, int n, int d, int runs) {
        List<Row> rows = new ArrayList<>();
        out.printf(Locale.ROOT, "%nLangChain4j EmbeddingStore, N=%,d, D=%d, k=10, one query, cosine (median of %d):%n", n, d, runs);
        Random rnd = new Random(21);
        List<Embedding> embeddings = new ArrayList<>(n);
        List<TextSegment> segments = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] v = new float[d];
            for (int j = 0; j < d; j++) {
                v[j] = (float) rnd.nextGaussian();
            }
            embeddings.add(Embedding.from(v));
            segments.add(TextSegment.from("row " + i, new Metadata().put("category", "c" + (i % 100)).put("year", 2000 + i % 25)));
        }
        Ann4jEmbeddingStore ann4j = new Ann4jEmbeddingStore();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            ann4j.add(embeddings.get(i), segments.get(i));
        }
        double addSec = (System.nanoTime() - t0) / 1e9;
        out.printf(Locale.ROOT, "ann4j: %,d single adds in %.1f s (%.2f us each)%n", n, addSec, addSec * 1e6 / n);
        InMemoryEmbeddingStore<TextSegment> inMemory = new InMemoryEmbeddingStore<>();
        inMemory.addAll(embeddings, segments);
        embeddings.clear();
        Filter onePercent = MetadataFilterBuilder.metadataKey("category").isEqualTo("c7");
        Filter compound = MetadataFilterBuilder.metadataKey("category").isIn("c1", "c2", "c3")
                .and(MetadataFilterBuilder.metadataKey("year").isLessThanOrEqualTo(2010));
        float[] q = new float[d];
        for (int j = 0; j < d; j++) {
            q[j] = (float) rnd.nextGaussian();
        }
        Embedding query = Embedding.from(q);
        // warm-up: the programs for this shape, the filter code's JIT, on filters not measured below
        for (int w = 0; w < 30; w++) {
            ann4j.search(request(query, w % 3 == 0 ? null : MetadataFilterBuilder.metadataKey("category").isEqualTo("c" + (50 + w))));
        }
        out.printf(Locale.ROOT, "%-44s %10s %14s %9s%n", "search", "ann4j ms", "in-memory ms", "speed-up");
        for (Object[] c : new Object[][] {{"no filter", null}, {"category = c7 (1% of rows), repeated", onePercent},
                {"category in (c1,c2,c3), year <= 2010 (3%)", compound}}) {
            Filter f = (Filter) c[1];
            EmbeddingSearchRequest req = request(query, f);
            double a = Stats.medianMs(runs, () -> ann4j.search(req));
            double m = Stats.medianMs(Math.min(runs, 3), () -> inMemory.search(req));
            out.printf(Locale.ROOT, "%-44s %10.1f %14.1f %8.1fx%n", c[0], a, m, m / a);
            rows.add(new Row().put("op", "store_search").put("n", n).put("d", d).put("k", 10).put("filter", (String) c[0])
                    .put("ann4j_ms", a).put("in_memory_ms", m).put("add_us", addSec * 1e6 / n)
                    .put("cpu", io.ann4j.runtime.cpu.search.CpuFeatures.model()));
        }
        // a filter never seen before: its rows come from the dictionary-encoded metadata, not a cache
        double[] fresh = new double[runs];
        double[] evalOnly = new double[runs];
        for (int r = 0; r < runs; r++) {
            Filter f = MetadataFilterBuilder.metadataKey("category").isEqualTo("c" + (10 + r));
            long t = System.nanoTime();
            ann4j.search(request(query, f));
            fresh[r] = (System.nanoTime() - t) / 1e6;
            Filter g = MetadataFilterBuilder.metadataKey("category").isEqualTo("c" + (30 + r));
            evalOnly[r] = Ann4jStoreProbe.filterMs(ann4j, g);
        }
        double freshMs = Stats.median(fresh);
        double evalMs = Stats.median(evalOnly);
        out.printf(Locale.ROOT, "%-44s %10.1f   (of which the filter's rows: %.1f ms)%n", "category = cX, a filter not seen before", freshMs, evalMs);
        rows.add(new Row().put("op", "store_search").put("n", n).put("d", d).put("k", 10).put("filter", "fresh category = cX")
                .put("ann4j_ms", freshMs).put("filter_eval_ms", evalMs).put("cpu", io.ann4j.runtime.cpu.search.CpuFeatures.model()));
        return rows;
    }

    private static EmbeddingSearchRequest request(Embedding q, Filter f) {
        return EmbeddingSearchRequest.builder().queryEmbedding(q).maxResults(10).filter(f).build();
    }
}
