package io.ann4j.dsl;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The result of a top-k op: the values (the operand's dtype) and their i32 indices along the
 * reduction dimension. Symbolic inside a traced function, concrete in what a jitted call returns.
 * The {@code *Matrix} accessors give a rank-2 result (queries x k, the usual search) as plain Java
 * arrays, one row per query, copied in one bulk read.
 */
public record TopK(Tensor values, Tensor indices) {
    /** The values' data (concrete results only). */
    public INDArray valuesArray() {
        return values.array();
    }

    /** The indices' data (concrete results only). */
    public INDArray indicesArray() {
        return indices.array();
    }

    /**
     * The indices as {@code int[rows][k]} (a rank-2 concrete result; -1 marks a missing result).
     *
     * @throws IllegalStateException for a symbolic result or one whose rank is not 2
     */
    public int[][] indicesMatrix() {
        INDArray a = matrix(indices, "indicesMatrix");
        int[] flat = a.dup('c').data().asInt();
        int cols = (int) a.size(1);
        int[][] out = new int[(int) a.size(0)][];
        for (int r = 0; r < out.length; r++) {
            out[r] = java.util.Arrays.copyOfRange(flat, r * cols, (r + 1) * cols);
        }
        return out;
    }

    /**
     * The values as {@code float[rows][k]} (a rank-2 concrete result; bf16 and f16 are widened
     * exactly, f64 rounded to the nearest float: use {@link #valuesMatrixF64()} to keep it).
     *
     * @throws IllegalStateException for a symbolic result or one whose rank is not 2
     */
    public float[][] valuesMatrix() {
        INDArray a = matrix(values, "valuesMatrix");
        INDArray f = a.dataType() == DataType.FLOAT ? a : a.castTo(DataType.FLOAT);
        float[] flat = f.dup('c').data().asFloat();
        int cols = (int) a.size(1);
        float[][] out = new float[(int) a.size(0)][];
        for (int r = 0; r < out.length; r++) {
            out[r] = java.util.Arrays.copyOfRange(flat, r * cols, (r + 1) * cols);
        }
        return out;
    }

    /**
     * The values as {@code double[rows][k]} (a rank-2 concrete result, widened exactly).
     *
     * @throws IllegalStateException for a symbolic result or one whose rank is not 2
     */
    public double[][] valuesMatrixF64() {
        INDArray a = matrix(values, "valuesMatrixF64");
        INDArray d = a.dataType() == DataType.DOUBLE ? a : a.castTo(DataType.DOUBLE);
        double[] flat = d.dup('c').data().asDouble();
        int cols = (int) a.size(1);
        double[][] out = new double[(int) a.size(0)][];
        for (int r = 0; r < out.length; r++) {
            out[r] = java.util.Arrays.copyOfRange(flat, r * cols, (r + 1) * cols);
        }
        return out;
    }

    private static INDArray matrix(Tensor t, String accessor) {
        if (!t.isConcrete()) {
            throw new IllegalStateException("TopK." + accessor + ": the result is symbolic (inside a traced function);"
                    + " expected the result of a jitted call");
        }
        if (t.rank() != 2) {
            throw new IllegalStateException("TopK." + accessor + ": the result has shape " + java.util.Arrays.toString(t.shape())
                    + "; expected rank 2 (queries x k): read indicesArray()/valuesArray() for other ranks");
        }
        return t.array();
    }
}
