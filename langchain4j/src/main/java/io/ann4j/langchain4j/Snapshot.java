package io.ann4j.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What one search sees: the first {@code rows} rows of the store as they were when it began,
 * whatever is added or removed meanwhile. Appends write only beyond {@code rows}, removals and
 * compactions publish a new snapshot, so nothing a snapshot refers to below {@code rows} ever
 * changes.
 *
 * @param rows      rows in the store, dead ones included
 * @param live      how many of them are live
 * @param data      the embeddings as added, in chunks, with their inverse norms ({@link Chunks}); null when empty
 * @param ids       row ids (entries below {@code rows})
 * @param segments  row segments, null where a row was added without one
 * @param dead      removed rows (a search never returns them; compaction drops them)
 * @param columns   the rows' metadata by key ({@link MetadataColumns})
 * @param epoch     how many times the rows have been renumbered (compactions, clears, loads)
 * @param liveBias  per chunk, the bias of an unfiltered search over this snapshot (null entries:
 *                  none needed), made by the first such search and kept
 */
record Snapshot(int rows, int live, Chunks.View data, String[] ids, TextSegment[] segments, BitSet dead,
                Map<String, MetadataColumns.Column> columns, long epoch, AtomicReference<INDArray[]> liveBias) {

    Snapshot(int rows, int live, Chunks.View data, String[] ids, TextSegment[] segments, BitSet dead,
             Map<String, MetadataColumns.Column> columns, long epoch) {
        this(rows, live, data, ids, segments, dead, columns, epoch, new AtomicReference<>());
    }

    static Snapshot empty(long epoch) {
        return new Snapshot(0, 0, null, new String[0], new TextSegment[0], new BitSet(), Map.of(), epoch);
    }

    int dim() {
        return data == null ? -1 : data.dim();
    }

    /** The live rows, in row order: ids, embeddings as stored, segments (what a save writes and a compaction keeps). */
    StoreFiles.Rows liveRows() {
        java.util.List<String> liveIds = new java.util.ArrayList<>(live);
        java.util.List<float[]> vectors = new java.util.ArrayList<>(live);
        java.util.List<TextSegment> liveSegments = new java.util.ArrayList<>(live);
        for (int r = dead.nextClearBit(0); r < rows; r = dead.nextClearBit(r + 1)) {
            liveIds.add(ids[r]);
            vectors.add(data.row(r));
            liveSegments.add(segments[r]);
        }
        return new StoreFiles.Rows(Math.max(0, dim()), liveIds, vectors, liveSegments);
    }
}
