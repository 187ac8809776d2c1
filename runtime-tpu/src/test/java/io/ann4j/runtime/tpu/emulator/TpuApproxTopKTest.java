package io.ann4j.runtime.tpu.emulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.ops.ApproxTopK;
import io.ann4j.compiler.ops.ApproxTopKParams;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TpuApproxTopKTest {
    static ApproxTopK op(int k, float recall, boolean max, boolean aggregate) {
        return new ApproxTopK(new ApproxTopKParams(k, -1, recall, max, -1, aggregate));
    }

    static List<INDArray> run(ApproxTopK op, double[][] rows) {
        INDArray x = Nd4j.createFromArray(rows).castTo(DataType.FLOAT);
        return TpuApproxTopK.run(op, TensorType.of(DType.F32, rows.length, rows[0].length), x);
    }

    /** Recall of the bins on random data against the model ((L-1)/L)^(k-1), JAX's plan. */
    @Property(tries = 4, seed = "11")
    void recallMatchesTheBinsModel(@ForAll @IntRange(min = 0, max = 1000) int seed) {
        int rows = 300;
        int n = 20_000;
        int k = 10;
        java.util.Random rnd = new java.util.Random(seed);
        double[][] x = new double[rows][n];
        for (double[] row : x) {
            for (int j = 0; j < n; j++) {
                row[j] = rnd.nextGaussian();
            }
        }
        ApproxTopK op = op(k, 0.9f, true, true);
        int bins = (int) op.binPlan(TensorType.of(DType.F32, rows, n)).outputSize();
        int[][] got = run(op, x).get(1).toIntMatrix();
        long hits = 0;
        for (int r = 0; r < rows; r++) {
            double[] row = x[r];
            Set<Integer> truth = new HashSet<>();
            IntStream.range(0, n).boxed().sorted((a, b) -> Double.compare(row[b], row[a])).limit(k).forEach(truth::add);
            for (int j : got[r]) {
                hits += truth.contains(j) ? 1 : 0;
            }
        }
        double recall = hits / (double) (rows * k);
        double model = Math.pow((bins - 1.0) / bins, k - 1);
        // 3000 draws: standard error below 0.006; the tolerance is 0.025.
        assertTrue(Math.abs(recall - model) < 0.025, "recall " + recall + " vs model " + model + " (" + bins + " bins)");
    }

    @Test
    void outputsHaveTheTpusShapes() {
        double[][] x = new double[2][3000];
        assertArrayEquals(new long[] {2, 256}, run(op(10, 0.95f, true, false), x).get(0).shape());
        assertArrayEquals(new long[] {2, 10}, run(op(10, 0.95f, true, true), x).get(0).shape());
        assertArrayEquals(new long[] {2, 1}, run(op(1, 0.95f, false, true), x).get(1).shape());
        assertArrayEquals(new long[] {2, 100}, run(op(10, 0.95f, true, false), new double[2][100]).get(0).shape());
    }

    @Test
    void smallInputsAreSortedExactly() {
        double[][] x = {{3, 1, 4, 2, 5, 6, 7}};
        List<INDArray> r = run(op(3, 0.95f, true, true), x);
        assertArrayEquals(new int[] {6, 5, 4}, r.get(1).toIntVector());
        assertArrayEquals(new float[] {7, 6, 5}, r.get(0).toFloatVector());
    }

    @Test
    void aBinKeepsTheLaterOfTwoTiesAsTheComparatorSays() {
        // N = 512, k = 10, recall 0.95: 256 bins of two (j and j + 256).
        double[][] x = new double[1][512];
        Arrays.fill(x[0], -1);
        x[0][5] = 9;
        x[0][261] = 9;
        List<INDArray> bins = run(op(10, 0.95f, true, false), x);
        assertEquals(256, bins.get(1).size(1));
        assertEquals(261, bins.get(1).getInt(0, 5));
    }

    @Test
    void aNaNSurvivesOnlyAsTheLastInputOfItsBin() {
        double[][] x = new double[1][512];
        x[0][5] = Double.NaN;
        x[0][261] = 1;
        x[0][7] = 1;
        x[0][263] = Double.NaN;
        int[] bins = run(op(10, 0.95f, true, false), x).get(1).toIntVector();
        assertEquals(261, bins[5]);
        assertEquals(263, bins[7]);
    }

    @Test
    void minKMirrorsMaxKOfTheNegation() {
        java.util.Random rnd = new java.util.Random(3);
        double[][] x = new double[4][5000];
        double[][] neg = new double[4][5000];
        for (int r = 0; r < 4; r++) {
            for (int j = 0; j < 5000; j++) {
                x[r][j] = rnd.nextGaussian();
                neg[r][j] = -x[r][j];
            }
        }
        assertArrayEquals(run(op(10, 0.9f, true, true), x).get(1).toIntMatrix(),
                run(op(10, 0.9f, false, true), neg).get(1).toIntMatrix());
    }
}
