package io.ann4j.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.RelevanceScore;
import dev.langchain4j.store.embedding.filter.Filter;
import io.ann4j.dsl.JitConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A LangChain4j {@link EmbeddingStore} on ann4j's fused search, embedded in the process (no server).
 *
 * <ul>
 *   <li><b>Search</b>: cosine similarity, scored as LangChain4j scores it
 *   ({@link RelevanceScore#fromCosineSimilarity}), with {@code maxResults}, {@code minScore} and a
 *   metadata {@code filter}. The filter narrows the rows before the top-k, as a bias fused into
 *   the search pass, so a search returns {@code maxResults} matches whenever that many rows pass
 *   the filter.</li>
 *   <li><b>Growth</b>: embeddings are appended in amortised O(1), off the Java heap, in fixed-size
 *   chunks ({@link Chunks}): a million single adds copy fewer rows than one chunk holds.</li>
 *   <li><b>Removal</b>: removed rows are masked at once and dropped by a compaction once they
 *   exceed a quarter of the rows, so searches do not scan dead rows for ever.</li>
 *   <li><b>Concurrency</b>: adds and removes take a lock; a search reads one immutable snapshot
 *   and sees the store as it was when the search began, whatever is written meanwhile.</li>
 *   <li><b>Persistence</b>: {@link #save(Path)} writes a new generation of the directory and switches
 *   to it atomically; {@link #load(Path)} reads the last complete one ({@link StoreFiles}).</li>
 * </ul>
 *
 * <p>Options ({@link #builder()}): the recall target of the search (default 1: exact) and whether
 * the embeddings are stored as bf16, and whether approximate searches score with the int8 product
 * ({@link Builder#int8}: the filled rows of each chunk are prepared in place, since rows below a
 * snapshot's count never change).
 */
public final class Ann4jEmbeddingStore implements EmbeddingStore<TextSegment> {
    /** Compaction runs when removed rows exceed this share of the rows. */
    static final double COMPACT_AT = 0.25;
    /**
     * Rows per chunk of embeddings ({@link Chunks}): 1,048,576. One query against one chunk of
     * D=384 measured, on a Zen 4: f32 6.2 ms for 65,536 rows (16 GB/s), 17.7-20 ms for 262,144,
     * 76 ms for 1,048,576; bf16 at recall target 0.95 9-10 ms for 262,144 rows and 28-30 ms for
     * 1,048,576 (against 40 for four chunks of 262,144): fewer, larger calls read memory faster.
     * The first chunk doubles on its way to full size, so a small store stays small.
     */
    static final int CHUNK_ROWS = 1 << 20;

    private final Object writeLock = new Object();
    private final ChunkedSearch chunks;
    private final FilterIndex filters = new FilterIndex();
    private final double recallTarget;
    private final boolean int8;
    /** The latest snapshot: what a search begun now sees. */
    private volatile Snapshot snapshot = Snapshot.empty(0);
    /** The writer's state (ids to rows, metadata columns, chunks); used under {@link #writeLock}. */
    private final StoreWriter writer;

    private Ann4jEmbeddingStore(Builder b) {
        this.writer = new StoreWriter(b.chunkRows, b.bf16);
        this.recallTarget = b.recallTarget;
        this.int8 = b.int8;
        // f32 products (or the bf16 path of a bf16 store) over rows still filling; the int8
        // option's prepared prefixes leave the product to the backend (int8 where the CPU has VNNI)
        CosineSearch plain = new CosineSearch(b.recallTarget, JitConfig.defaults().option("cpu.product", "f32"));
        this.chunks = b.int8 && b.recallTarget < 1
                ? new ChunkedSearch(plain, new PreparedPrefixes(b.prefixBlock), new CosineSearch(b.recallTarget,
                        b.prefixProduct == null ? JitConfig.defaults() : JitConfig.defaults().option("cpu.product", b.prefixProduct)))
                : new ChunkedSearch(plain);
    }

    /** A store with the defaults: exact search over f32 embeddings. */
    public Ann4jEmbeddingStore() {
        this(builder());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The store's options. */
    public static final class Builder {
        private double recallTarget = 1.0;
        private int chunkRows = CHUNK_ROWS;
        private boolean bf16;
        private boolean int8;
        private int prefixBlock = PreparedPrefixes.BLOCK;
        /** The prefixes' {@code cpu.product} (tests force {@code int8} on data too small for it); null: the backend's choice. */
        private String prefixProduct;

        private Builder() {}

        /** The search's recall target in (0, 1]; 1 (the default) is exact. */
        public Builder recallTarget(double target) {
            if (!(target > 0 && target <= 1)) {
                throw new IllegalArgumentException("recallTarget must be in (0, 1], got " + target);
            }
            this.recallTarget = target;
            return this;
        }

        /**
         * Whether embeddings are stored as bf16 (default: f32): half the memory, and with a recall
         * target below 1 a search reads half the bytes (the CPU's bf16 product where it has one,
         * candidates re-ranked). Matches then return the embeddings rounded to bf16, not as added,
         * and at recall target 1 the scores are those of the rounded rows.
         */
        public Builder bf16(boolean enabled) {
            this.bf16 = enabled;
            return this;
        }

        /**
         * Whether an approximate search (recall target below 1) scores the rows with ann4j's int8
         * product (default: false): each chunk's filled rows are quantized once, in place of a
         * copy of them, to one byte per element (a quarter of the f32 bytes, an eighth more memory
         * on f32 rows, a half more on bf16 rows), and the best candidates re-scored exactly, so the
         * scores returned are those of the search without the option. A search reads a quarter
         * of the bytes: on a CPU with VNNI (AVX-512 VNNI or AVX-VNNI) several times faster at N =
         * 1,000,000. The quantization runs on the first search after each quarter's growth of a
         * chunk (rows added since are searched as without the option). No effect at recall
         * target 1, or on CPUs without VNNI.
         */
        public Builder int8(boolean enabled) {
            this.int8 = enabled;
            return this;
        }

        /** Prefix granularity of the int8 option in rows (default 65,536; tests use small ones). */
        Builder prefixBlock(int rows) {
            this.prefixBlock = rows;
            return this;
        }

        Builder prefixProduct(String product) {
            this.prefixProduct = product;
            return this;
        }

        /** Rows per chunk of embeddings, a power of two (default 1,048,576; tests use small ones). */
        Builder chunkRows(int rows) {
            this.chunkRows = rows;
            return this;
        }

        public Ann4jEmbeddingStore build() {
            return new Ann4jEmbeddingStore(this);
        }
    }

    // ---- adding ----

    @Override
    public String add(Embedding embedding) {
        String id = UUID.randomUUID().toString();
        add(id, embedding);
        return id;
    }

    @Override
    public void add(String id, Embedding embedding) {
        addAll(List.of(id), List.of(embedding), null);
    }

    @Override
    public String add(Embedding embedding, TextSegment segment) {
        String id = UUID.randomUUID().toString();
        addAll(List.of(id), List.of(embedding), java.util.Collections.singletonList(segment));
        return id;
    }

    @Override
    public List<String> addAll(List<Embedding> embeddings) {
        List<String> ids = generateIds(embeddings.size());
        addAll(ids, embeddings, null);
        return ids;
    }

    @Override
    public List<String> addAll(List<Embedding> embeddings, List<TextSegment> segments) {
        List<String> ids = generateIds(embeddings.size());
        addAll(ids, embeddings, segments);
        return ids;
    }

    /**
     * Adds rows with the given ids; an id already in the store is replaced. {@code segments} may be
     * null (no segments) or hold null entries. Every argument is checked before anything is added.
     */
    @Override
    public void addAll(List<String> ids, List<Embedding> embeddings, List<TextSegment> segments) {
        if (ids == null || embeddings == null || ids.size() != embeddings.size()
                || (segments != null && segments.size() != embeddings.size())) {
            throw new IllegalArgumentException("addAll: ids (" + (ids == null ? "null" : ids.size()) + "), embeddings ("
                    + (embeddings == null ? "null" : embeddings.size()) + ") and segments ("
                    + (segments == null ? "none" : segments.size()) + ") must have the same size");
        }
        synchronized (writeLock) {
            Snapshot s = snapshot;
            int dim = s.dim();
            for (int i = 0; i < embeddings.size(); i++) {
                dim = check(ids.get(i), embeddings.get(i), dim, i);
            }
            publish(writer.append(s, ids, embeddings, segments, dim));
        }
    }

    private static int check(String id, Embedding e, int dim, int i) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("add: id " + i + " is null or blank");
        }
        if (e == null) {
            throw new IllegalArgumentException("add: embedding " + i + " (id " + id + ") is null");
        }
        float[] v = e.vector();
        if (dim >= 0 && v.length != dim) {
            throw new IllegalArgumentException("add: embedding " + i + " (id " + id + ") has dimension " + v.length
                    + " but the store holds embeddings of dimension " + dim);
        }
        if (v.length == 0) {
            throw new IllegalArgumentException("add: embedding " + i + " (id " + id + ") is empty");
        }
        for (int d = 0; d < v.length; d++) {
            if (!Float.isFinite(v[d])) {
                throw new IllegalArgumentException("add: embedding " + i + " (id " + id + ") holds " + v[d]
                        + " at element " + d + "; expected finite values");
            }
        }
        return v.length;
    }

    /** {@code v / |v|} (the zero vector stays zero). */
    private static float[] unit(float[] v) {
        float inv = StoreWriter.inverseNorm(v);
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * inv;
        }
        return out;
    }

    // ---- removing ----

    @Override
    public void remove(String id) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("id cannot be null or blank");
        }
        removeAll(List.of(id));
    }

    @Override
    public void removeAll(Collection<String> ids) {
        if (ids == null || ids.isEmpty()) {
            throw new IllegalArgumentException("ids cannot be null or empty");
        }
        synchronized (writeLock) {
            publish(writer.markDead(snapshot, writer.rowsOf(ids)));
        }
    }

    @Override
    public void removeAll(Filter filter) {
        removeMatching(filter);
    }

    /** Removes the live rows {@code filter} accepts, as {@link #removeAll(Filter)}, and returns their ids. */
    public List<String> removeMatching(Filter filter) {
        if (filter == null) {
            throw new IllegalArgumentException("filter cannot be null");
        }
        synchronized (writeLock) {
            Snapshot s = snapshot;
            BitSet rows = FilterMask.of(s, filter, filters);
            List<String> removed = new ArrayList<>(rows.cardinality());
            for (int r = rows.nextSetBit(0); r >= 0; r = rows.nextSetBit(r + 1)) {
                removed.add(s.ids()[r]);
            }
            publish(writer.markDead(s, rows));
            return removed;
        }
    }

    @Override
    public void removeAll() {
        synchronized (writeLock) {
            publish(writer.clear(snapshot));
        }
    }

    private void publish(Snapshot s) {
        snapshot = s;
        chunks.retain(s.data());
    }

    // ---- searching ----

    @Override
    public EmbeddingSearchResult<TextSegment> search(EmbeddingSearchRequest request) {
        if (request == null || request.queryEmbedding() == null) {
            throw new IllegalArgumentException("search: the request and its query embedding cannot be null");
        }
        Snapshot s = snapshot;
        float[] q = request.queryEmbedding().vector();
        if (s.live() == 0 || request.maxResults() <= 0) {
            return new EmbeddingSearchResult<>(List.of());
        }
        if (q.length != s.dim()) {
            throw new IllegalArgumentException("search: the query embedding has dimension " + q.length
                    + " but the store holds embeddings of dimension " + s.dim());
        }
        Filter filter = request.filter();
        BitSet allowed = filter == null && s.dead().isEmpty() ? null : FilterMask.of(s, filter, filters);
        int candidates = allowed == null ? s.rows() : allowed.cardinality();
        int k = Math.min(request.maxResults(), candidates);
        if (k == 0) {
            return new EmbeddingSearchResult<>(List.of());
        }
        INDArray query = Nd4j.create(unit(q), new long[] {1, q.length}, 'c');
        Chunks.View data = s.data();
        List<long[]> best = chunks.best(s, filter != null, allowed, query, k);
        List<EmbeddingMatch<TextSegment>> matches = new ArrayList<>(k);
        for (int i = 0; i < Math.min(k, best.size()); i++) {
            int r = (int) best.get(i)[1];
            float cos = io.ann4j.compiler.ops.TotalOrder.floatOf((int) best.get(i)[0]);
            double score = RelevanceScore.fromCosineSimilarity(Math.max(-1.0, Math.min(1.0, cos)));
            if (score >= request.minScore()) {
                matches.add(new EmbeddingMatch<>(score, s.ids()[r], Embedding.from(data.row(r)), s.segments()[r]));
            }
        }
        return new EmbeddingSearchResult<>(matches);
    }

    // ---- saving ----

    /** Calls {@code action} with the id and segment (null where none) of every live row, in row order, on one snapshot. */
    public void forEach(java.util.function.BiConsumer<String, TextSegment> action) {
        Snapshot s = snapshot;
        for (int r = s.dead().nextClearBit(0); r < s.rows(); r = s.dead().nextClearBit(r + 1)) {
            action.accept(s.ids()[r], s.segments()[r]);
        }
    }

    /** Rows in the store (live ones). */
    public int size() {
        return snapshot.live();
    }

    /** The current snapshot (tests and probes). */
    Snapshot snapshotForProbe() {
        return snapshot;
    }

    /** Rows a search scans now, removed ones not yet compacted away included. */
    int scannedRows() {
        return snapshot.rows();
    }

    /** Rows copied by the first chunk's growth so far. */
    long rowsCopiedByGrowth() {
        synchronized (writeLock) {
            return writer.rowsCopied();
        }
    }

    /**
     * Bytes the embeddings take off the Java heap now: rows, inverse norms, unfilled chunk rows,
     * and with the int8 option the int8 copy of the prepared rows (one byte per element and 8 per
     * row, counted from when they are prepared; the first search that uses them quantizes them).
     */
    public long offHeapBytes() {
        synchronized (writeLock) {
            long dim = Math.max(0, snapshot.dim());
            return writer.bytes() + chunks.preparedRows() * (dim + 8);
        }
    }

    /** Rows of the int8 option's prepared prefixes (tests). */
    long preparedRows() {
        return chunks.preparedRows();
    }

    /** The recall target searches run with. */
    public double recallTarget() {
        return recallTarget;
    }

    /** Whether approximate searches score with the int8 product ({@link Builder#int8}). */
    public boolean int8() {
        return int8;
    }

    /** Saves the live rows to {@code dir} atomically: a crash mid-save leaves the previous save loadable. */
    public void save(Path dir) throws IOException {
        save(dir, null);
    }

    /** {@link #save(Path)} with a hook run just before the new save becomes current (tests crash there). */
    void save(Path dir, Runnable beforeCommit) throws IOException {
        StoreFiles.save(dir, snapshot.liveRows(), beforeCommit);
    }

    /** A store holding what {@code dir} last saved, with the default options. */
    public static Ann4jEmbeddingStore load(Path dir) throws IOException {
        return load(dir, builder());
    }

    /** A store holding what {@code dir} last saved, with {@code options}. */
    public static Ann4jEmbeddingStore load(Path dir, Builder options) throws IOException {
        StoreFiles.Rows rows = StoreFiles.load(dir);
        Ann4jEmbeddingStore store = options.build();
        if (!rows.ids().isEmpty()) {
            store.addAll(rows.ids(), rows.embeddings(), rows.segments());
        }
        return store;
    }
}
