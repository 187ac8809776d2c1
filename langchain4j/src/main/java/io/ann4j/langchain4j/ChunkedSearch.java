package io.ann4j.langchain4j;

import io.ann4j.dsl.TopK;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One query against a snapshot's chunks: each chunk searched by the fused program
 * ({@link CosineSearch}) with the bias that masks its removed, filtered-out and unfilled rows, and
 * the chunks' best rows merged exactly (larger score first, the lower row on ties, as within a
 * chunk).
 */
final class ChunkedSearch {
    private final CosineSearch search;

    ChunkedSearch(CosineSearch search) {
        this.search = search;
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
            float[] values;
            int[] rows;
            try {
                TopK top = search.search(query, c.rows(), c.inverseNorms(), bias, Math.min(k, c.capacity()));
                values = top.valuesArray().data().asFloat();
                rows = top.indicesArray().data().asInt();
            } finally {
                if (filtered && bias != null) {
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
        return best;
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
