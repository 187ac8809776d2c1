package io.ann4j.dsl;

import java.util.HashSet;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Search utilities outside the traced world. */
public final class Ann {
    private Ann() {}

    /**
     * The recall of an approximate search, as JAX's {@code ann_recall} (the tests'
     * {@code compute_recall}) defines it: for each query, the number of returned indices that are
     * in the query's ground-truth set, summed over queries and divided by the ground truth's size.
     *
     * @param neighbors      i32 {@code [queries, n]}: what the search returned
     * @param trueNeighbors  i32 {@code [queries, m]}: the exact neighbours
     */
    public static double recall(INDArray neighbors, INDArray trueNeighbors) {
        if (neighbors.rank() != 2 || trueNeighbors.rank() != 2) {
            throw new IllegalArgumentException("recall: both arguments must be [num_queries, neighbors_per_query], got "
                    + java.util.Arrays.toString(neighbors.shape()) + " and " + java.util.Arrays.toString(trueNeighbors.shape()));
        }
        if (neighbors.size(0) != trueNeighbors.size(0)) {
            throw new IllegalArgumentException("recall: query counts differ: " + neighbors.size(0) + " results vs "
                    + trueNeighbors.size(0) + " ground-truth rows");
        }
        int[][] got = neighbors.toIntMatrix();
        int[][] truth = trueNeighbors.toIntMatrix();
        long hits = 0;
        for (int q = 0; q < got.length; q++) {
            Set<Integer> set = new HashSet<>();
            for (int t : truth[q]) {
                set.add(t);
            }
            for (int g : got[q]) {
                if (set.contains(g)) {
                    hits++;
                }
            }
        }
        return (double) hits / trueNeighbors.length();
    }

    /** {@link #recall(INDArray, INDArray)} on tensors. */
    public static double recall(Tensor neighbors, Tensor trueNeighbors) {
        return recall(neighbors.array(), trueNeighbors.array());
    }

    /**
     * Prepares a database for many searches: an immutable snapshot that jitted functions take in
     * place of the array, and from which the backend keeps what it derives across calls (on the
     * CPU, the int8 copy that approximate searches score with, and an L2 or cosine search's norms).
     * See {@link Prepared}.
     *
     * @param database an {@code INDArray}, {@link Tensor}, {@code float[][]} or {@code float[]}
     * @throws IllegalArgumentException if {@code database} is null, empty or of another type
     */
    public static Prepared prepare(Object database) {
        if (database instanceof Prepared p) {
            return p;
        }
        if (database == null) {
            throw new IllegalArgumentException("prepare: the database is null");
        }
        INDArray a = nonEmpty("prepare", NdArrays.toArray(database, 0));
        return new Prepared(io.ann4j.compiler.spi.PreparedArray.copyOf(a));
    }

    /**
     * Prepares {@code database} in place, without {@link #prepare}'s copy, for owners of memory
     * that is written once and then only read (a store's filled rows). You promise that no element
     * of {@code database} changes while the {@link Prepared} is in use: a backend keeps forms
     * derived from it (the CPU's int8 copy) and would serve them stale. Use {@link #prepare} unless
     * the copy's memory matters.
     *
     * @param database a non-empty array whose elements are contiguous in c order (a whole array
     *                 or a range of its rows)
     * @throws IllegalArgumentException if it is null, empty or not contiguous
     */
    public static Prepared prepareUnchanging(INDArray database) {
        if (database == null) {
            throw new IllegalArgumentException("prepareUnchanging: the database is null");
        }
        return new Prepared(io.ann4j.compiler.spi.PreparedArray.ofUnchanging(nonEmpty("prepareUnchanging", database)));
    }

    /** {@code a}, or an error naming {@code op} and the shape when it holds no element. */
    private static INDArray nonEmpty(String op, INDArray a) {
        if (a.isEmpty()) {
            throw new IllegalArgumentException(op + ": the database is empty, shape " + java.util.Arrays.toString(a.shape()));
        }
        return a;
    }
}
