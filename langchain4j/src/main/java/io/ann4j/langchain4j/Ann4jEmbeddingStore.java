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
import io.ann4j.dsl.TopK;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 *   <li><b>Growth</b>: embeddings are appended in amortised O(1) (a million single adds copy each row
 *   about twice), off the Java heap.</li>
 *   <li><b>Removal</b>: removed rows are masked at once and dropped by a compaction once they
 *   exceed a quarter of the rows, so searches do not scan dead rows for ever.</li>
 *   <li><b>Concurrency</b>: adds and removes take a lock; a search reads one immutable snapshot
 *   and sees the store as it was when the search began, whatever is written meanwhile.</li>
 *   <li><b>Persistence</b>: {@link #save(Path)} writes a new generation of the directory and switches
 *   to it atomically; {@link #load(Path)} reads the last complete one ({@link StoreFiles}).</li>
 * </ul>
 *
 * <p>Options ({@link #builder()}): the recall target of the search (default 1: exact) and whether
 * the embeddings are stored as bf16. (ann4j's int8 scoring needs an immutable prepared copy of the
 * rows, which chunks that are still filling cannot give; it is not an option of the store.)
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
    private final CosineSearch search;
    private final FilterIndex filters = new FilterIndex();
    private final double recallTarget;
    /** The latest snapshot: what a search begun now sees. */
    private volatile Snapshot snapshot = Snapshot.empty(0);
    /** Writer-only: the row of each live id. */
    private final Map<String, Integer> rowOf = new HashMap<>();
    /** Writer-only: the rows' metadata by key, appended to with the rows. */
    private MetadataColumns columns = new MetadataColumns();

    private final int chunkRows;
    private final boolean bf16;
    /** Writer-only: the embeddings (null before the first add fixes the dimension). */
    private Chunks data;

    private Ann4jEmbeddingStore(Builder b) {
        this.chunkRows = b.chunkRows;
        this.bf16 = b.bf16;
        this.recallTarget = b.recallTarget;
        // f32 products (or the bf16 path of a bf16 store): int8 scoring applies to prepared arrays only
        JitConfig config = JitConfig.defaults().option("cpu.product", "f32");
        this.search = new CosineSearch(b.recallTarget, config);
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
            if (data == null) {
                data = new Chunks(dim, chunkRows, bf16);
            }
            String[] idArray = s.ids();
            TextSegment[] segArray = s.segments();
            BitSet dead = s.dead();
            boolean deadCopied = false;
            int rows = s.rows();
            int live = s.live();
            for (int i = 0; i < embeddings.size(); i++) {
                String id = ids.get(i);
                Integer old = rowOf.get(id);
                if (old != null) {
                    if (!deadCopied) {
                        dead = (BitSet) dead.clone();
                        deadCopied = true;
                    }
                    dead.set(old);
                    live--;
                }
                if (rows == idArray.length) {
                    int cap = Math.max(16, rows * 2);
                    idArray = Arrays.copyOf(idArray, cap);
                    segArray = Arrays.copyOf(segArray, cap);
                }
                float[] v = embeddings.get(i).vector();
                data.append(v, inverseNorm(v));
                idArray[rows] = id;
                segArray[rows] = segments == null ? null : segments.get(i);
                columns.add(rows, segArray[rows] == null ? null : segArray[rows].metadata());
                rowOf.put(id, rows);
                rows++;
                live++;
            }
            publish(new Snapshot(rows, live, data.view(), idArray, segArray, dead, columns.view(), s.epoch()));
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

    /** {@code 1 / |v|}, or 0 for the zero vector (its cosine with anything is then taken as 0). */
    private static float inverseNorm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return s > 0 ? (float) (1 / Math.sqrt(s)) : 0f;
    }

    /** {@code v / |v|} (the zero vector stays zero). */
    private static float[] unit(float[] v) {
        float inv = inverseNorm(v);
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
            BitSet rows = new BitSet();
            for (String id : ids) {
                Integer r = rowOf.get(id);
                if (r != null) {
                    rows.set(r);
                }
            }
            markDead(rows);
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
            markDead(rows);
            return removed;
        }
    }

    @Override
    public void removeAll() {
        synchronized (writeLock) {
            rowOf.clear();
            columns = new MetadataColumns();
            data = null;
            publish(Snapshot.empty(snapshot.epoch() + 1));
        }
    }

    /** Masks {@code rows} (live ones) as removed; compacts when removed rows exceed {@link #COMPACT_AT} of the rows. */
    private void markDead(BitSet rows) {
        Snapshot s = snapshot;
        BitSet dead = (BitSet) s.dead().clone();
        rows.andNot(dead);
        if (rows.isEmpty()) {
            return;
        }
        dead.or(rows);
        for (int r = rows.nextSetBit(0); r >= 0; r = rows.nextSetBit(r + 1)) {
            rowOf.remove(s.ids()[r]);
        }
        Snapshot next = new Snapshot(s.rows(), s.live() - rows.cardinality(), s.data(), s.ids(), s.segments(), dead,
                s.columns(), s.epoch());
        publish(dead.cardinality() > COMPACT_AT * s.rows() ? compact(next) : next);
    }

    /** The live rows copied into new chunks, renumbered in order (a new epoch). */
    private Snapshot compact(Snapshot s) {
        rowOf.clear();
        columns = new MetadataColumns();
        data = null;
        if (s.live() == 0) {
            return Snapshot.empty(s.epoch() + 1);
        }
        data = new Chunks(s.dim(), chunkRows, bf16);
        String[] ids = new String[Math.max(16, s.live())];
        TextSegment[] segments = new TextSegment[ids.length];
        int n = 0;
        for (int r = s.dead().nextClearBit(0); r < s.rows(); r = s.dead().nextClearBit(r + 1)) {
            float[] v = s.data().row(r);
            data.append(v, inverseNorm(v));
            ids[n] = s.ids()[r];
            segments[n] = s.segments()[r];
            columns.add(n, segments[n] == null ? null : segments[n].metadata());
            rowOf.put(ids[n], n);
            n++;
        }
        return new Snapshot(n, n, data.view(), ids, segments, new BitSet(), columns.view(), s.epoch() + 1);
    }

    private void publish(Snapshot s) {
        snapshot = s;
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
        INDArray[] liveBias = filter == null ? liveBias(s, allowed) : null;
        Chunks.View data = s.data();
        List<long[]> best = new ArrayList<>(); // (score bits, row) of each chunk's best rows
        for (int j = 0; j < data.chunkCount(); j++) {
            Chunks.Chunk c = data.chunks()[j];
            int first = j * data.chunkRows();
            int inChunk = data.rowsIn(j);
            INDArray bias = filter == null ? liveBias[j] : bias(allowed, first, inChunk, c.capacity());
            float[] values;
            int[] rows;
            try {
                TopK top = search.search(query, c.rows(), c.inverseNorms(), bias, Math.min(k, c.capacity()));
                values = top.valuesArray().data().asFloat();
                rows = top.indicesArray().data().asInt();
            } finally {
                if (filter != null && bias != null) {
                    bias.close(); // made for this search alone: freed now, not left to the collector
                }
            }
            for (int i = 0; i < values.length; i++) {
                if (rows[i] >= 0 && rows[i] < inChunk && values[i] != Float.NEGATIVE_INFINITY) {
                    best.add(new long[] {io.ann4j.compiler.ops.TotalOrder.floatKey(values[i]), first + rows[i]});
                }
            }
        }
        // the chunks' best merged: larger score first, the lower row on ties (as within a chunk)
        best.sort((x, y) -> x[0] != y[0] ? Long.compare(y[0], x[0]) : Long.compare(x[1], y[1]));
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

    /** Per chunk, the bias of an unfiltered search (null where none is needed), kept with the snapshot. */
    private static INDArray[] liveBias(Snapshot s, BitSet allowed) {
        INDArray[] kept = s.liveBias().get();
        if (kept != null) {
            return kept;
        }
        Chunks.View data = s.data();
        INDArray[] out = new INDArray[data.chunkCount()];
        for (int j = 0; j < out.length; j++) {
            int first = j * data.chunkRows();
            int inChunk = data.rowsIn(j);
            boolean deadHere = allowed != null && allowed.get(first, first + inChunk).cardinality() < inChunk;
            if (deadHere || inChunk < data.chunks()[j].capacity()) {
                out[j] = bias(allowed, first, inChunk, data.chunks()[j].capacity());
            }
        }
        s.liveBias().set(out);
        return out;
    }

    /** A block of -inf, copied into biases. */
    private static final float[] NEG_INF = new float[1 << 14];

    static {
        Arrays.fill(NEG_INF, Float.NEGATIVE_INFINITY);
    }

    /**
     * 0 for the chunk's rows a search may return, -inf for the rest (removed, filtered out, the
     * chunk's unfilled rows), written straight into a native array; {@code allowed == null} allows
     * every filled row.
     */
    private static INDArray bias(BitSet allowed, int first, int inChunk, int capacity) {
        // filled by bulk copies from a block of -inf: ND4J's own fill runs an op on its OpenMP
        // threads, which measured up to 8 ms a call beside OpenBLAS's spinning workers, and a
        // loop of single stores ran interpreted in a search called a few times
        INDArray b = Nd4j.createUninitialized(org.nd4j.linalg.api.buffer.DataType.FLOAT, capacity);
        java.lang.foreign.MemorySegment seg = io.ann4j.compiler.spi.NativeViews.segment(b);
        int from = allowed == null ? inChunk : 0;
        for (int r = from; r < capacity; r += NEG_INF.length) {
            java.lang.foreign.MemorySegment.copy(NEG_INF, 0, seg, java.lang.foreign.ValueLayout.JAVA_FLOAT, (long) r * Float.BYTES,
                    Math.min(NEG_INF.length, capacity - r));
        }
        if (allowed == null) {
            seg.asSlice(0, (long) inChunk * Float.BYTES).fill((byte) 0);
        } else {
            for (int r = allowed.nextSetBit(first); r >= 0 && r < first + inChunk; r = allowed.nextSetBit(r + 1)) {
                seg.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, r - first, 0f);
            }
        }
        return b;
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
            return data == null ? 0 : data.rowsCopied();
        }
    }

    /** Bytes the embeddings take off the Java heap now (rows, inverse norms, unfilled chunk rows). */
    public long offHeapBytes() {
        synchronized (writeLock) {
            return data == null ? 0 : data.bytes();
        }
    }

    /** The recall target searches run with. */
    public double recallTarget() {
        return recallTarget;
    }


    /** Saves the live rows to {@code dir} atomically: a crash mid-save leaves the previous save loadable. */
    public void save(Path dir) throws IOException {
        save(dir, null);
    }

    /** {@link #save(Path)} with a hook run just before the new save becomes current (tests crash there). */
    void save(Path dir, Runnable beforeCommit) throws IOException {
        Snapshot s = snapshot;
        List<String> ids = new ArrayList<>(s.live());
        List<float[]> vectors = new ArrayList<>(s.live());
        List<TextSegment> segments = new ArrayList<>(s.live());
        for (int r = s.dead().nextClearBit(0); r < s.rows(); r = s.dead().nextClearBit(r + 1)) {
            ids.add(s.ids()[r]);
            vectors.add(s.data().row(r));
            segments.add(s.segments()[r]);
        }
        StoreFiles.save(dir, new StoreFiles.Rows(Math.max(0, s.dim()), ids, vectors, segments), beforeCommit);
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
            List<Embedding> embeddings = new ArrayList<>(rows.vectors().size());
            for (float[] v : rows.vectors()) {
                embeddings.add(Embedding.from(v));
            }
            store.addAll(rows.ids(), embeddings, rows.segments());
        }
        return store;
    }
}
