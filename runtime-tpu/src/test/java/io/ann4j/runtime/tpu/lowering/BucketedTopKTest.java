package io.ann4j.runtime.tpu.lowering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.ir.GraphBuilder;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.ir.Value;
import io.ann4j.compiler.ops.ApproxTopK;
import io.ann4j.compiler.ops.ApproxTopKParams;
import io.ann4j.compiler.spi.Executable;
import io.ann4j.runtime.tpu.emulator.Emulator;
import io.ann4j.runtime.tpu.stablehlo.StableHloEmitter;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The bucketed lowering run by the emulator (the rewritten graph, op by op on the reference
 * interpreter): its values are the operand's at its indices, sorted best first, and its recall
 * over uniform random data is the formula's expectation.
 */
class BucketedTopKTest {
    /** {@code approx_top_k} over a {@code [rows, n]} (or, with {@code axis0}, {@code [n, rows]}) operand. */
    static Graph program(int rows, int n, int k, float target, boolean max, boolean axis0, boolean aggregate) {
        GraphBuilder b = new GraphBuilder();
        Value x = b.parameter(axis0 ? TensorType.of(DType.F32, n, rows) : TensorType.of(DType.F32, rows, n));
        List<Value> r = b.add(new ApproxTopK(new ApproxTopKParams(k, axis0 ? 0 : -1, target, max, -1, aggregate)), List.of(x));
        return b.build(r);
    }

    static List<INDArray> runBucketed(Graph g, int perBucket, INDArray x) {
        Graph lowered = BucketedTopK.rewrite(g, perBucket);
        String module = StableHloEmitter.emitChecked(lowered, "main", false); // the structural checker accepts it
        Executable e = Emulator.executable(lowered, module, true);
        return e.execute(List.of(x));
    }

    @Property(tries = 60)
    void valuesAreTheOperandsAtTheIndicesBestFirst(@ForAll @IntRange(min = 1, max = 3) int rows,
            @ForAll @IntRange(min = 1, max = 12) int k, @ForAll @DoubleRange(min = 0.6, max = 0.99) double target,
            @ForAll boolean max, @ForAll boolean axis0, @ForAll @IntRange(min = 0, max = 4) int perBucket,
            @ForAll @IntRange(min = 0, max = 1000) int seed) {
        int n = 960; // many divisors
        Graph g = program(rows, n, k, (float) target, max, axis0, true);
        Random rnd = new Random(seed);
        float[] data = new float[rows * n];
        for (int i = 0; i < data.length; i++) {
            data[i] = rnd.nextInt(200) - 100; // ties on purpose
        }
        INDArray x = Nd4j.create(data, axis0 ? new long[] {n, rows} : new long[] {rows, n}, 'c');
        List<INDArray> out = runBucketed(g, Math.min(perBucket, k), x);
        INDArray values = axis0 ? out.get(0).transpose() : out.get(0);
        INDArray indices = axis0 ? out.get(1).transpose() : out.get(1);
        assertEquals(k, values.size(1));
        for (int r = 0; r < rows; r++) {
            Set<Integer> seen = new HashSet<>();
            for (int i = 0; i < k; i++) {
                int j = indices.getInt(r, i);
                assertTrue(j >= 0 && j < n, "index " + j);
                assertTrue(seen.add(j), "index " + j + " returned twice");
                float operand = axis0 ? x.getFloat(j, r) : x.getFloat(r, j);
                assertEquals(operand, values.getFloat(r, i), 0f, "the value at index " + j);
                if (i > 0) {
                    float prev = values.getFloat(r, i - 1);
                    assertTrue(max ? prev >= values.getFloat(r, i) : prev <= values.getFloat(r, i), "sorted best first");
                }
            }
        }
    }

    @Property(tries = 8)
    void recallOverUniformDataIsTheFormulasExpectation(@ForAll @IntRange(min = 0, max = 3) int plan,
            @ForAll @IntRange(min = 0, max = 10_000) int seed) {
        int[][] plans = {{10, 1}, {10, 2}, {10, 4}, {16, 2}}; // k, k'
        int k = plans[plan][0];
        int perBucket = plans[plan][1];
        int rows = 400;
        int n = 4096;
        float target = 0.9f;
        Graph g = program(rows, n, k, target, true, false, true);
        BucketPlan p = BucketedTopK.planFor((ApproxTopK) g.nodes().get(0).op(), g.parameters().get(0).type(), perBucket);
        Random rnd = new Random(seed);
        float[] data = new float[rows * n];
        for (int i = 0; i < data.length; i++) {
            data[i] = rnd.nextFloat();
        }
        INDArray x = Nd4j.create(data, new long[] {rows, n}, 'c');
        List<INDArray> out = runBucketed(g, perBucket, x);
        double hits = 0;
        for (int r = 0; r < rows; r++) {
            float[] row = x.getRow(r).toFloatVector();
            float[] sorted = row.clone();
            java.util.Arrays.sort(sorted);
            float kth = sorted[n - k];
            for (int i = 0; i < k; i++) {
                hits += row[out.get(1).getInt(r, i)] >= kth ? 1 : 0;
            }
        }
        double recall = hits / (rows * k);
        // the formula samples buckets with replacement; 4096 elements in 32 to 1024 buckets is
        // close to that: the mean over 4,000 items sits within 0.025 of it (std ~0.005)
        assertEquals(p.expectedRecall(), recall, 0.025, "plan " + p + ", measured recall " + recall);
        assertTrue(recall >= target - 0.025, "recall " + recall + " for target " + target);
    }

    @Test
    void withoutAggregationTheOutputKeepsJaxsSizeAndTheBestCandidates() {
        Graph g = program(2, 4096, 4, 0.9f, true, false, false);
        int outSize = g.results().get(0).type().dim(1);
        assertTrue(outSize > 4, "JAX's size rule gives " + outSize);
        Random rnd = new Random(3);
        float[] data = new float[2 * 4096];
        for (int i = 0; i < data.length; i++) {
            data[i] = rnd.nextFloat();
        }
        List<INDArray> out = runBucketed(g, 0, Nd4j.create(data, new long[] {2, 4096}, 'c'));
        assertEquals(outSize, out.get(0).size(1));
        assertEquals(outSize, out.get(1).size(1));
    }

    @Test
    void recallOneAndTheTpuLoweringKeepTheCustomCall() {
        Graph exact = program(4, 1000, 10, 1.0f, true, false, true);
        String module = StableHloEmitter.emitChecked(BucketedTopK.rewrite(exact, 0), "main", false);
        assertTrue(module.contains("@ApproxTopK") && module.contains("is_fallback = true"), module);
        String bucketed = StableHloEmitter.emitChecked(BucketedTopK.rewrite(program(4, 1000, 10, 0.95f, true, false, true), 0),
                "main", false);
        assertFalse(bucketed.contains("@ApproxTopK"), bucketed);
        assertTrue(bucketed.contains("chlo.top_k"), bucketed);
    }
}
