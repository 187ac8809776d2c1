package io.ann4j.bench;

import io.ann4j.cli.io.ElementType;
import io.ann4j.cli.io.Format;
import io.ann4j.cli.io.Matrices;
import io.ann4j.cli.io.Matrix;
import io.ann4j.cli.io.MatrixWriter;
import io.ann4j.cli.io.Table;
import java.io.IOException;
import java.nio.file.Path;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The bench's {@code .npy} files, read and written by the {@code ann4j} command's own readers and
 * writers (every dtype and order they accept, the same errors): one {@code .npy} implementation in
 * the repository's Java code for users' files.
 */
final class Npy {
    private Npy() {}

    /** A {@code [rows, cols]} matrix (float32, float16 or float64) as a c-order f32 array. */
    static INDArray readFloatMatrix(Path file) {
        try (Matrix m = Matrices.open(file, "npy", null)) {
            if (m.declaredRank() == 1) {
                throw new io.ann4j.cli.BadInputException(file, "is a 1-D array of " + m.rows()
                        + " values; expected a 2-D matrix [rows, dim]");
            }
            return Nd4j.create(m.readAll(), new long[] {m.rows(), m.cols()}, 'c');
        }
    }

    /** An int32 {@code [rows, cols]} matrix, written atomically as NumPy reads it. */
    static void writeIntMatrix(Path file, INDArray matrix) throws IOException {
        int rows = (int) matrix.size(0);
        int cols = (int) matrix.size(1);
        int[] ids = matrix.castTo(org.nd4j.linalg.api.buffer.DataType.INT).dup('c').data().asInt();
        MatrixWriter.write(file, Format.NPY, Table.ofInts(rows, cols, ids), ElementType.INT32, "neighbors");
    }
}
