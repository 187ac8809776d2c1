package io.ann4j.cli.io;

import java.nio.file.Path;

/**
 * A two-dimensional array in a file, {@code [rows, cols]}, read in blocks of rows so that files
 * larger than the heap can be streamed. Readers memory-map or slice; none reads a whole large file
 * onto the heap. Close it to unmap.
 */
public interface Matrix extends AutoCloseable {
    /** The file this matrix is read from (for messages). */
    Path file();

    /** Number of rows (vectors). */
    long rows();

    /** Number of columns (the dimension). */
    int cols();

    /** The element type as stored, in NumPy's names: float32, float16, float64, int32, uint8, ... */
    String dtype();

    /**
     * Copies rows {@code [start, start + count)} into {@code dst} as float32, row-major.
     *
     * @throws io.ann4j.cli.BadInputException when the file turns out to be corrupt there
     */
    void readRows(long start, int count, float[] dst);

    /**
     * Copies rows {@code [start, start + count)} into {@code dst} as int32, row-major (ids of
     * ground truths). Floating point files are refused.
     */
    void readIntRows(long start, int count, int[] dst);

    /** All rows as float32 (small matrices only: queries, ground truths). */
    /**
     * The rank the file declares: 2 for a matrix; 1 for a .npy vector, which reads as one column
     * (ground-truth ids), but which as a database or queries is refused, not guessed.
     */
    default int declaredRank() {
        return 2;
    }

    default float[] readAll() {
        float[] all = new float[Math.toIntExact(Math.multiplyExact(rows(), (long) cols()))];
        readRows(0, (int) rows(), all);
        return all;
    }

    /** All rows as int32 (small matrices only). */
    default int[] readAllInts() {
        int[] all = new int[Math.toIntExact(Math.multiplyExact(rows(), (long) cols()))];
        readIntRows(0, (int) rows(), all);
        return all;
    }

    @Override
    void close();
}
