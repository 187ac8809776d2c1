package io.ann4j.dsl;

import io.ann4j.compiler.ops.TotalOrder;
import java.io.Serializable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Host aggregation of top-k results (the seed's "on host top-k aggregation"): merges per-device
 * or per-shard candidates into the global top k of each query, exactly over what it is given, in
 * ann4j's order (the total order of {@link TotalOrder}; equal values keep the lower global index).
 * Streaming: it holds k candidates per query whatever the number of shards, and two accumulators
 * merge (a tree reduction in Spark is {@code reduce(TopKAccumulator::merge)}).
 *
 * <pre>{@code
 * TopKAccumulator acc = new TopKAccumulator(queries, 10, true);
 * for (Shard s : shards) {
 *     TopK r = search.call(qy, s.rows());
 *     acc.add(r.valuesArray(), r.indicesArray(), s.offset());   // local -> global indices
 * }
 * TopK global = acc.result();                                    // [queries, 10]
 * }</pre>
 */
public final class TopKAccumulator implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int queries;
    private final int k;
    private final boolean isMax;
    /** Per query, k (key, index) pairs, best first; count says how many are filled. */
    private final long[] keys;
    private final long[] indices;
    private final int[] counts;
    private boolean f64;

    /**
     * @param queries rows of every candidate batch
     * @param k       results per query
     * @param isMax   largest values (approxMaxK, MIPS) or smallest (approxMinK, L2)
     */
    public TopKAccumulator(int queries, int k, boolean isMax) {
        if (queries < 0 || k < 1) {
            throw new IllegalArgumentException("TopKAccumulator: need queries >= 0 and k >= 1, got " + queries + " and " + k);
        }
        this.queries = queries;
        this.k = k;
        this.isMax = isMax;
        this.keys = new long[Math.multiplyExact(queries, k)];
        this.indices = new long[queries * k];
        this.counts = new int[queries];
    }

    /**
     * Adds a batch of candidates: {@code values [queries, m]} and their i32 {@code indices}
     * (local to a shard), to which {@code indexOffset} is added to make them global. Index -1
     * marks padding and is skipped.
     */
    public TopKAccumulator add(INDArray values, INDArray localIndices, long indexOffset) {
        if (values.rank() != 2 || !java.util.Arrays.equals(values.shape(), localIndices.shape()) || values.size(0) != queries) {
            throw new IllegalArgumentException("TopKAccumulator.add: values and indices must both be [" + queries
                    + ", m], got " + java.util.Arrays.toString(values.shape()) + " and "
                    + java.util.Arrays.toString(localIndices.shape()));
        }
        f64 |= values.dataType() == DataType.DOUBLE;
        // one bulk copy each (ND4J's toDoubleMatrix builds a view per row: 30-100 ms for 1,000 x 10)
        int m = (int) values.size(1);
        double[] v = values.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        long[] ix = localIndices.castTo(DataType.LONG).dup('c').data().asLong();
        for (int q = 0; q < queries; q++) {
            for (int j = 0; j < m; j++) {
                if (ix[q * m + j] >= 0) {
                    offer(q, TotalOrder.selectKey(v[q * m + j], isMax), ix[q * m + j] + indexOffset);
                }
            }
        }
        return this;
    }

    /** Merges another accumulator of the same queries, k and direction into this one. */
    public TopKAccumulator merge(TopKAccumulator other) {
        if (other.queries != queries || other.k != k || other.isMax != isMax) {
            throw new IllegalArgumentException("TopKAccumulator.merge: accumulators differ (" + queries + "x" + k
                    + (isMax ? " max" : " min") + " vs " + other.queries + "x" + other.k + (other.isMax ? " max" : " min") + ")");
        }
        f64 |= other.f64;
        for (int q = 0; q < queries; q++) {
            for (int i = 0; i < other.counts[q]; i++) {
                offer(q, other.keys[q * k + i], other.indices[q * k + i]);
            }
        }
        return this;
    }

    private void offer(int q, long key, long index) {
        int base = q * k;
        int n = counts[q];
        if (n == k) {
            long lastKey = keys[base + k - 1];
            if (key < lastKey || (key == lastKey && index > indices[base + k - 1])) {
                return;
            }
            n--;
        } else {
            counts[q] = n + 1;
        }
        int pos = n;
        while (pos > 0 && (keys[base + pos - 1] < key || (keys[base + pos - 1] == key && indices[base + pos - 1] > index))) {
            keys[base + pos] = keys[base + pos - 1];
            indices[base + pos] = indices[base + pos - 1];
            pos--;
        }
        keys[base + pos] = key;
        indices[base + pos] = index;
    }

    /**
     * The global top k: values (f32, or f64 if any batch was f64) and i32 indices,
     * {@code [queries, k]}, best first. Queries with fewer than k candidates are padded with
     * (-inf for max / +inf for min, index -1).
     */
    public TopK result() {
        double[] v = new double[queries * k];
        int[] ix = new int[queries * k];
        for (int q = 0; q < queries; q++) {
            for (int i = 0; i < k; i++) {
                int at = q * k + i;
                if (i < counts[q]) {
                    v[at] = TotalOrder.valueOfSelectKey(keys[at], isMax);
                    ix[at] = Math.toIntExact(indices[at]);
                } else {
                    v[at] = isMax ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                    ix[at] = -1;
                }
            }
        }
        INDArray values = Nd4j.create(v, new long[] {queries, k}, 'c');
        return new TopK(Tensor.of(f64 ? values : values.castTo(DataType.FLOAT)),
                Tensor.of(Nd4j.createFromArray(ix).reshape('c', new long[] {queries, k})));
    }
}
