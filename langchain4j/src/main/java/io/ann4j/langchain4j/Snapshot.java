package io.ann4j.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import java.util.BitSet;
import java.util.Map;

/**
 * What one search sees: the first {@code rows} rows of the store as they were when it began,
 * whatever is added or removed meanwhile. Appends write only beyond {@code rows}, removals and
 * compactions publish a new snapshot, so nothing a snapshot refers to below {@code rows} ever
 * changes.
 *
 * @param rows      rows in the store, dead ones included
 * @param live      how many of them are live
 * @param vectors   the embeddings as added (returned with matches)
 * @param units     the same rows scaled to unit length (searched: their dot product with a unit
 *                  query is the cosine similarity)
 * @param ids       row ids (entries below {@code rows})
 * @param segments  row segments, null where a row was added without one
 * @param dead      removed rows (a search never returns them; compaction drops them)
 * @param columns   the rows' metadata by key ({@link MetadataColumns})
 * @param epoch     how many times the rows have been renumbered (compactions, clears, loads)
 * @param liveBias  the search bias of an unfiltered search over this snapshot, made by the first
 *                  such search and kept ({@code 0} for live rows, {@code -inf} for removed rows and padding)
 */
record Snapshot(int rows, int live, RowBuffer vectors, RowBuffer units, String[] ids, TextSegment[] segments,
                BitSet dead, Map<String, MetadataColumns.Column> columns, long epoch,
                java.util.concurrent.atomic.AtomicReference<org.nd4j.linalg.api.ndarray.INDArray> liveBias) {

    Snapshot(int rows, int live, RowBuffer vectors, RowBuffer units, String[] ids, TextSegment[] segments,
             BitSet dead, Map<String, MetadataColumns.Column> columns, long epoch) {
        this(rows, live, vectors, units, ids, segments, dead, columns, epoch, new java.util.concurrent.atomic.AtomicReference<>());
    }

    static Snapshot empty(long epoch) {
        return new Snapshot(0, 0, null, null, new String[0], new TextSegment[0], new BitSet(), Map.of(), epoch);
    }

    int dim() {
        return units == null ? -1 : units.dim();
    }
}
