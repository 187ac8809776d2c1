package io.ann4j.runtime.cpu.search;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ops.ApproxTopK;
import io.ann4j.compiler.ops.ApproxTopKParams;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The bins algorithm's measured recall matches the bins model ((L-1)/L)^(k-1). */
class BinsRecallTest {
    @Test
    void binsRecallMatchesTheModel() {
        int rows = 400;
        int n = 20_000;
        int k = 10;
        Nd4j.getRandom().setSeed(7);
        INDArray x = Nd4j.rand(DataType.FLOAT, rows, n);
        TensorType t = TensorType.of(DType.F32, rows, n);
        ApproxTopK op = new ApproxTopK(new ApproxTopKParams(k, -1, 0.9f, true, -1, true));
        int bins = (int) op.binPlan(t).outputSize();
        List<INDArray> approx = TopKSearch.rows(op, t, x, "bins");
        List<INDArray> exact = TopKSearch.rows(new io.ann4j.compiler.ops.TopK(k), t, x, "threshold");
        int[][] a = approx.get(1).toIntMatrix();
        int[][] e = exact.get(1).toIntMatrix();
        long hits = 0;
        for (int r = 0; r < rows; r++) {
            Set<Integer> truth = new HashSet<>();
            for (int i : e[r]) {
                truth.add(i);
            }
            for (int i : a[r]) {
                hits += truth.contains(i) ? 1 : 0;
            }
        }
        double recall = hits / (double) (rows * k);
        double model = Math.pow((bins - 1.0) / bins, k - 1);
        // 4000 draws: the standard error of the mean is below 0.005; allow 0.02 either way.
        assertTrue(Math.abs(recall - model) < 0.02, "recall " + recall + " vs model " + model + " with " + bins + " bins");
        assertTrue(bins < n, "the bins plan must reduce here, got " + bins);
    }
}
