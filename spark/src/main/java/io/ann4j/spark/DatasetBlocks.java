package io.ann4j.spark;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Row;
import scala.Tuple2;

/**
 * Groups a partition of {@code (Row(vector), index)} pairs, as {@code zipWithIndex} numbers them,
 * into {@link RowBlock}s: a block ends at {@code blockRows} rows, at a gap in the indices, or
 * where the vector length changes (so a row of another dimension shows up as its own shard).
 */
final class DatasetBlocks implements Iterator<RowBlock> {
    private final Iterator<Tuple2<Row, Long>> rows;
    private final int blockRows;
    private Tuple2<Row, Long> pending;

    DatasetBlocks(Iterator<Tuple2<Row, Long>> rows, int blockRows) {
        this.rows = rows;
        this.blockRows = blockRows;
    }

    @Override
    public boolean hasNext() {
        return pending != null || rows.hasNext();
    }

    @Override
    public RowBlock next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Tuple2<Row, Long> first = pending != null ? pending : rows.next();
        pending = null;
        float[] v = vector(first);
        int dim = v.length;
        float[] data = new float[Math.multiplyExact(Math.min(blockRows, 1024), dim)];
        System.arraycopy(v, 0, data, 0, dim);
        int n = 1;
        long offset = first._2();
        while (n < blockRows && rows.hasNext()) {
            Tuple2<Row, Long> next = rows.next();
            float[] w = vector(next);
            if (next._2() != offset + n || w.length != dim) {
                pending = next;
                break;
            }
            if ((n + 1) * dim > data.length) {
                data = java.util.Arrays.copyOf(data, Math.min(Math.multiplyExact(blockRows, dim), data.length * 2));
            }
            System.arraycopy(w, 0, data, n * dim, dim);
            n++;
        }
        return new RowBlock(offset, n, dim, n * dim == data.length ? data : java.util.Arrays.copyOf(data, n * dim));
    }

    private static float[] vector(Tuple2<Row, Long> row) {
        if (row._1().isNullAt(0)) {
            throw new IllegalArgumentException("fromDataset: the vector of row " + row._2() + " is null");
        }
        List<Object> values = row._1().getList(0);
        float[] v = new float[values.size()];
        for (int i = 0; i < v.length; i++) {
            Object x = values.get(i);
            if (x == null) {
                throw new IllegalArgumentException("fromDataset: element " + i + " of the vector of row " + row._2() + " is null");
            }
            v[i] = ((Number) x).floatValue();
        }
        if (v.length == 0) {
            throw new IllegalArgumentException("fromDataset: the vector of row " + row._2() + " is empty");
        }
        return v;
    }
}
