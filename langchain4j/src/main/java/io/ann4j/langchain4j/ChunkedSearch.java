package io.ann4j.langchain4j;

import io.ann4j.dsl.TopK;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One query against a snapshot's chunks: each chunk searched by the fused program
 * ({@link CosineSearch}) with the bias that masks its removed, filtered-out and unfilled rows, and
 * the chunks' best rows merged exactly (larger score first, the lower row on ties, as within a
 * chunk).
 */
final class ChunkedSearch {
    private final CosineSearch search;
    /** The int8 option's prepared prefixes and their search; both null without it. */
    private final PreparedPrefixes prefixes;
    private final CosineSearch prefixSearch;

    ChunkedSearch(CosineSearch search) {
        this(search, null, null);
    }

    /**
     * @param prefixes     per chunk, the filled rows prepared in place (the int8 option), or null
     * @param prefixSearch the search over a prepared prefix (its products not pinned to f32)
     */
    ChunkedSearch(CosineSearch search, PreparedPrefixes prefixes, CosineSearch prefixSearch) {
        this.search = search;
        this.prefixes = prefixes;
        this.prefixSearch = prefixSearch;
    }

    /** Rows held in prepared prefixes (0 without the int8 option). */
    long preparedRows() {
        return prefixes == null ? 0 : prefixes.preparedRows();
    }

    /** Forgets what was kept for chunks that are not in {@code live} any more. */
    void retain(Chunks.View live) {
        if (prefixes != null) {
            prefixes.retain(live == null ? new Chunks.Chunk[0] : live.chunks());
        }
    }

    /**
     * The best rows, (score bits in the total order, row), best first.
     *
     * @param filtered whether {@code allowed} comes from a filter (else it masks only removed rows,
     *                 or is null when nothing is removed)
     */
    List<long[]> best(Snapshot s, boolean filtered, BitSet allowed, INDArray query, int k) {
        INDArray[] liveBias = filtered ? null : liveBias(s, allowed);
        Chunks.View data = s.data();
        List<long[]> best = new ArrayList<>();
        for (int j = 0; j < data.chunkCount(); j++) {
            Chunks.Chunk c = data.chunks()[j];
            int first = j * data.chunkRows();
            int inChunk = data.rowsIn(j);
            INDArray bias = !filtered ? liveBias[j] : bias(allowed, first, inChunk, c.capacity());
            try {
                PreparedPrefixes.Prefix prefix = prefixes == null ? null : prefixes.of(c, inChunk);
                if (prefix == null) {
                    collect(best, search.search(query, c.rows(), c.inverseNorms(), bias, Math.min(k, c.capacity())),
                            0, inChunk, first);
                } else {
                    int p = prefix.rows();
                    collect(best, prefixSearch.search(query, prefix.prepared(), prefix.inverseNorms(), slice(bias, 0, p),
                            Math.min(k, p)), 0, inChunk, first);
                    if (p < c.capacity()) { // the tail: rows past the prefix, searched as without the option
                        INDArray tailRows = c.rows().get(NDArrayIndex.interval(p, c.capacity()), NDArrayIndex.all());
                        INDArray tailNorms = c.inverseNorms().get(NDArrayIndex.interval(p, c.capacity()));
                        collect(best, search.search(query, tailRows, tailNorms, slice(bias, p, c.capacity()),
                                Math.min(k, c.capacity() - p)), p, inChunk, first);
                    }
                }
            } finally {
                if (filtered && bias != null) {
                    bias.close(); // made for this search alone: freed now, not left to the collector
                }
            }
        }
        // the chunks' best merged: larger score first, the lower row on ties (as within a chunk)
        best.sort((x, y) -> x[0] != y[0] ? Long.compare(y[0], x[0]) : Long.compare(x[1], y[1]));
        return best;
    }

    /**
     * A search's rows added to {@code best} as (score key, store row): {@code offset} is the
     * searched rows' first row in the chunk; masked and unfilled rows are dropped.
     */
    private static void collect(List<long[]> best, TopK top, int offset, int inChunk, int first) {
        float[] values = top.valuesArray().data().asFloat();
        int[] rows = top.indicesArray().data().asInt();
        for (int i = 0; i < values.length; i++) {
            int r = rows[i] + offset;
            if (rows[i] >= 0 && r < inChunk && values[i] != Float.NEGATIVE_INFINITY) {
                best.add(new long[] {io.ann4j.compiler.ops.TotalOrder.floatKey(values[i]), first + r});
            }
        }
    }

    /** Elements {@code [from, to)} of a bias as a view, or null for no bias. */
    private static INDArray slice(INDArray bias, int from, int to) {
        return bias == null ? null : bias.get(NDArrayIndex.interval(from, to));
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

}
