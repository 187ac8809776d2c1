package io.ann4j.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The store's writing side, used under its lock: appends rows, masks removed ones and compacts,
 * each step returning the snapshot to publish. It keeps what only a writer needs: the row of each
 * live id, the metadata columns and the chunks being filled.
 */
final class StoreWriter {
    private final int chunkRows;
    private final boolean bf16;
    /** The row of each live id. */
    private final Map<String, Integer> rowOf = new HashMap<>();
    /** The rows' metadata by key, appended to with the rows. */
    private MetadataColumns columns = new MetadataColumns();
    /** The embeddings (null before the first add fixes the dimension). */
    private Chunks data;

    StoreWriter(int chunkRows, boolean bf16) {
        this.chunkRows = chunkRows;
        this.bf16 = bf16;
    }

    /** {@code s} with the rows appended (checked already; of dimension {@code dim}); an id already present is replaced. */
    Snapshot append(Snapshot s, List<String> ids, List<Embedding> embeddings, List<TextSegment> segments, int dim) {
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
        return new Snapshot(rows, live, data.view(), idArray, segArray, dead, columns.view(), s.epoch());
    }

    /** The rows of the given ids that are live. */
    BitSet rowsOf(Collection<String> ids) {
        BitSet rows = new BitSet();
        for (String id : ids) {
            Integer r = rowOf.get(id);
            if (r != null) {
                rows.set(r);
            }
        }
        return rows;
    }

    /** An empty store (a new epoch). */
    Snapshot clear(Snapshot s) {
        rowOf.clear();
        columns = new MetadataColumns();
        data = null;
        return Snapshot.empty(s.epoch() + 1);
    }

    long rowsCopied() {
        return data == null ? 0 : data.rowsCopied();
    }

    long bytes() {
        return data == null ? 0 : data.bytes();
    }

    /** Masks {@code rows} (live ones) as removed; compacts when removed rows exceed {@link Ann4jEmbeddingStore#COMPACT_AT} of the rows. */
    Snapshot markDead(Snapshot s, BitSet rows) {
        BitSet dead = (BitSet) s.dead().clone();
        rows.andNot(dead);
        if (rows.isEmpty()) {
            return s;
        }
        dead.or(rows);
        for (int r = rows.nextSetBit(0); r >= 0; r = rows.nextSetBit(r + 1)) {
            rowOf.remove(s.ids()[r]);
        }
        Snapshot next = new Snapshot(s.rows(), s.live() - rows.cardinality(), s.data(), s.ids(), s.segments(), dead,
                s.columns(), s.epoch());
        return dead.cardinality() > Ann4jEmbeddingStore.COMPACT_AT * s.rows() ? compact(next) : next;
    }

    /** The live rows appended afresh, renumbered in order (a new epoch). */
    private Snapshot compact(Snapshot s) {
        StoreFiles.Rows live = s.liveRows();
        Snapshot empty = clear(s);
        return live.ids().isEmpty() ? empty : append(empty, live.ids(), live.embeddings(), live.segments(), s.dim());
    }

    /** {@code 1 / |v|}, or 0 for the zero vector (its cosine with anything is then taken as 0). */
    static float inverseNorm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return s > 0 ? (float) (1 / Math.sqrt(s)) : 0f;
    }

}
