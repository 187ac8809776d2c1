package io.ann4j.spark.ml;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * A slab of consecutive rows of one side of the join: their ids (the user's values), their
 * vectors row-major, and a position for each (items: the item's global position, which breaks
 * ties between equal scores; queries: unused). One search pairs a query slab with an item slab.
 *
 * @param key       the slab's key: its partition and number there ({@link #slabKey})
 * @param ids       the rows' ids, as Spark gives them (Long, String, ...)
 * @param positions items: global positions (0 .. items - 1); queries: row numbers in the slab
 * @param vectors   {@code rows * dim} floats
 */
record RowSlab(long key, Object[] ids, long[] positions, float[] vectors, int dim) implements Serializable {
    int rows() {
        return ids.length;
    }

    /**
     * Cuts a partition of {@code Row(id, vector[, position])} into slabs of at most {@code maxRows}.
     *
     * @param partition the partition's index (part of each query slab's key)
     * @param positioned whether field 2 holds the row's global position (items)
     * @param what "item" or "query", for messages
     */
    static Iterator<RowSlab> cut(int partition, Iterator<Row> rows, int maxRows, boolean positioned, String what) {
        List<RowSlab> out = new ArrayList<>();
        List<Object> ids = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        List<Long> positions = new ArrayList<>();
        int dim = -1;
        long slab = 0;
        while (rows.hasNext()) {
            Row r = rows.next();
            Object id = r.get(0);
            float[] v = VectorColumn.read(r, 1, id, what);
            if (dim >= 0 && v.length != dim) {
                throw new IllegalArgumentException("nearest neighbours: the vector of " + what + " " + id + " has dimension "
                        + v.length + " but the others have " + dim);
            }
            dim = v.length;
            ids.add(id);
            vectors.add(v);
            positions.add(positioned ? r.getLong(2) : (long) positions.size());
            if (ids.size() == maxRows) {
                out.add(of(slabKey(partition, slab++), ids, positions, vectors, dim));
                ids.clear();
                vectors.clear();
                positions.clear();
            }
        }
        if (!ids.isEmpty()) {
            out.add(of(slabKey(partition, slab), ids, positions, vectors, dim));
        }
        return out.iterator();
    }

    /** A slab's key: its partition and its number there (at most 2^23 partitions of 2^20 slabs). */
    static long slabKey(int partition, long slab) {
        if (slab >= 1 << 20 || partition >= 1 << 23) {
            throw new IllegalArgumentException("nearest neighbours: partition " + partition + " has more than 2^20 slabs,"
                    + " or there are more than 2^23 partitions; repartition the table");
        }
        return ((long) partition << 20) | slab;
    }

    private static RowSlab of(long key, List<Object> ids, List<Long> positions, List<float[]> vectors, int dim) {
        if ((long) vectors.size() * dim > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("nearest neighbours: a slab of " + vectors.size() + " rows of dimension " + dim
                    + " holds more than 2^31 floats; lower itemShardRows or queryBlockRows");
        }
        float[] flat = new float[vectors.size() * dim];
        long[] pos = new long[positions.size()];
        for (int i = 0; i < vectors.size(); i++) {
            System.arraycopy(vectors.get(i), 0, flat, i * dim, dim);
            pos[i] = positions.get(i);
        }
        return new RowSlab(key, ids.toArray(), pos, flat, dim);
    }
}
