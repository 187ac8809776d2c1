package io.ann4j.langchain4j;

import dev.langchain4j.data.segment.TextSegment;
import java.util.BitSet;
import org.nd4j.linalg.api.ndarray.INDArray;

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
 * @param unitView  {@code units}' first {@code rows} rows as a {@code [rows, dim]} array, or null when empty
 * @param ids       row ids (entries below {@code rows})
 * @param segments  row segments, null where a row was added without one
 * @param dead      removed rows (a search never returns them; compaction drops them)
 * @param epoch     how many times the rows have been renumbered (compactions, clears, loads)
 */
record Snapshot(int rows, int live, RowBuffer vectors, RowBuffer units, INDArray unitView, String[] ids,
                TextSegment[] segments, BitSet dead, long epoch) {

    static Snapshot empty(long epoch) {
        return new Snapshot(0, 0, null, null, null, new String[0], new TextSegment[0], new BitSet(), epoch);
    }

    int dim() {
        return units == null ? -1 : units.dim();
    }
}
