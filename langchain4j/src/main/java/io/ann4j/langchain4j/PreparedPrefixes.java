package io.ann4j.langchain4j;

import io.ann4j.dsl.Ann;
import io.ann4j.dsl.Prepared;
import java.util.IdentityHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * For a store with the int8 option: per chunk, its filled rows up to a multiple of
 * {@link #BLOCK} prepared in place ({@link Ann#prepareUnchanging}), so that an approximate search
 * scores them with the CPU's int8 product (a quarter of f32's bytes, candidates re-ranked
 * exactly). Rows below a snapshot's count never change (appends write beyond them), so a prepared
 * prefix stays valid for as long as its chunk lives. The rows past the prefix (the chunk's tail)
 * are searched as before.
 *
 * <p>A prefix is made again only when the filled rows have grown by a quarter since it was made
 * (and by at least a block): each remake quantizes the prefix again, and geometric growth keeps
 * the total quantized rows of a growing chunk within a few times its size, while the tail stays
 * under a quarter of the prefix plus a block. Prefix lengths are multiples of a block, so the
 * search programs compiled for prefix and tail shapes stay few.
 */
final class PreparedPrefixes {
    /** Prefix lengths are multiples of this; a chunk with fewer filled rows has no prefix. */
    static final int BLOCK = 1 << 16;

    /** A chunk's prepared prefix: rows {@code [0, rows)}, and the same rows' inverse norms. */
    record Prefix(int rows, Prepared prepared, INDArray inverseNorms) {}

    private final int block;
    private final Map<Chunks.Chunk, Prefix> byChunk = new IdentityHashMap<>();

    /** @param block prefix granularity in rows (tests use small ones) */
    PreparedPrefixes(int block) {
        this.block = block;
    }

    /**
     * The prefix to search for chunk {@code c} with {@code filled} rows in the caller's snapshot,
     * or null when the chunk is too small for one. Never longer than {@code filled}.
     */
    synchronized Prefix of(Chunks.Chunk c, int filled) {
        Prefix p = byChunk.get(c);
        int want = filled / block * block;
        if (want == 0) {
            return null;
        }
        if (p != null && p.rows() > filled) {
            // a search on an older snapshot, begun before the appends the prefix holds: it runs
            // without one (a second prefix at the same address would displace the first)
            return null;
        }
        if (p == null || (want - p.rows() >= block && want - p.rows() >= p.rows() / 4)) {
            p = make(c, want);
            byChunk.put(c, p);
        }
        return p;
    }

    /**
     * Rows held in prepared prefixes now (each costs one byte per element and 8 bytes per row
     * more, once a search has quantized it).
     */
    synchronized long preparedRows() {
        long rows = 0;
        for (Prefix p : byChunk.values()) {
            rows += p.rows();
        }
        return rows;
    }

    /** Forgets the prefixes of chunks no longer in {@code live} (grown, compacted or cleared). */
    synchronized void retain(Chunks.Chunk[] live) {
        Map<Chunks.Chunk, Boolean> keep = new IdentityHashMap<>();
        for (Chunks.Chunk c : live) {
            keep.put(c, Boolean.TRUE);
        }
        byChunk.keySet().removeIf(c -> !keep.containsKey(c));
    }

    private static Prefix make(Chunks.Chunk c, int rows) {
        INDArray view = c.rows().get(NDArrayIndex.interval(0, rows), NDArrayIndex.all());
        INDArray norms = c.inverseNorms().get(NDArrayIndex.interval(0, rows));
        return new Prefix(rows, Ann.prepareUnchanging(view), norms);
    }
}
