package io.ann4j.conformance;

import io.ann4j.dsl.*;

import static io.ann4j.dsl.Ops.add;
import static io.ann4j.dsl.Ops.approxMinK;
import static io.ann4j.dsl.Ops.collapse;
import static io.ann4j.dsl.Ops.dotGeneral;
import static io.ann4j.dsl.Ops.neg;
import static io.ann4j.dsl.Ops.sliceInDim;
import static io.ann4j.dsl.Ops.sortKeyVal;
import static io.ann4j.dsl.Ops.topK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ann4j.compiler.ops.ApproxTopKShape;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** JAX's test_pmap, ported: the seed's sharded search with pmap, collapse, sort_key_val, slice. */
class PmapTest {
    private final java.util.Map<String, Integer> savedDevices = Conformance.deviceCounts();

    @AfterEach
    void restoreDevices() {
        Conformance.restoreDeviceCounts(savedDevices);
    }

    static Stream<Arguments> cases() {
        return Stream.of(new int[] {200, 128}, new int[] {128, 128}).flatMap(qy -> Conformance.FLOATING.stream()
                .flatMap(dtype -> Stream.of(1, 10).flatMap(k -> Stream.of(0.9, 0.95)
                        .flatMap(recall -> Stream.of(2, 4).map(devices -> Arguments.of(qy[0], dtype, k, recall, devices))))));
    }

    @ParameterizedTest(name = "qy=({0},128) {1} k={2} recall={3} devices={4}")
    @MethodSource("cases")
    void shardedSearchMeetsTheRecallTarget(int queries, DataType dtype, int k, double recall, int devices) {
        org.junit.jupiter.api.Assumptions.assumeTrue(Conformance.floating(Conformance.backends().get(0)).contains(dtype),
                "a dtype the backend declares");
        Conformance.setDeviceCounts(devices);
        int dbSize = 2048;
        INDArray qy = Conformance.randDefault(1, dtype, queries, 128);
        INDArray db = Conformance.randDefault(2, dtype, dbSize, 128);
        // Ground truth on the whole database: the min-k of the scores.
        TopK truth = Jit.jit((Tensor q, Tensor d) -> topK(neg(dotGeneral(q, d, new int[] {1}, new int[] {1})), k))
                .call(qy, db);
        int perDevice = dbSize / devices;
        INDArray sharded = db.reshape('c', devices, perDevice, 128);
        INDArray offsets = Nd4j.createFromArray(java.util.stream.IntStream.range(0, devices).map(i -> i * perDevice).toArray());
        Pmap.Pmapped<TopK> parallel = Pmap.pmap((Tensor q, Tensor d, Tensor offset) -> {
            TopK r = approxMinK(dotGeneral(q, d, new int[] {1}, new int[] {1}), ApproxTopKOptions.k(k).reductionDimension(1)
                    .recallTarget(recall).reductionInputSizeOverride(dbSize).aggregateToTopk(false));
            return new TopK(r.values(), add(r.indices(), offset));
        }, PmapSpec.inAxes(null, 0, 0).outAxes(1, 1));
        TopK perDeviceResults = parallel.call(qy, sharded, offsets);
        long approxDp = ApproxTopKShape.outputSize("approxMinK", perDevice, 2, k, (float) recall, false, dbSize).outputSize();
        assertArrayEquals(new long[] {queries, devices, approxDp}, perDeviceResults.valuesArray().shape());
        // collapse(1, 3), sort_key_val along 1, slice to k: the host side of the seed's program.
        TopK merged = Jit.jit((Tensor v, Tensor i) -> {
            KeyValue sorted = sortKeyVal(collapse(v, 1, 3), collapse(i, 1, 3), 1);
            return new TopK(sliceInDim(sorted.keys(), 0, k, 1), sliceInDim(sorted.values(), 0, k, 1));
        }).call(perDeviceResults.values(), perDeviceResults.indices());
        double r = Ann.recall(merged.indicesArray(), truth.indicesArray());
        assertTrue(r > recall, "recall " + r + " should exceed " + recall);
    }

    @Test
    void theHostAccumulatorGivesTheSameTopKAsSortingTheCollapsedResults() {
        Conformance.setDeviceCounts(2);
        INDArray qy = Conformance.randDefault(3, DataType.FLOAT, 50, 128);
        INDArray db = Conformance.randDefault(4, DataType.FLOAT, 2048, 128);
        INDArray sharded = db.reshape('c', 2, 1024, 128);
        Pmap.Pmapped<TopK> parallel = Pmap.pmap((Tensor q, Tensor d) -> Ops.approxMaxK(
                dotGeneral(q, d, new int[] {1}, new int[] {1}), ApproxTopKOptions.k(10).recallTarget(1.0)),
                PmapSpec.inAxes(null, 0));
        TopK per = parallel.call(qy, sharded); // [devices, Q, 10]
        TopKAccumulator acc = new TopKAccumulator(50, 10, true);
        for (int d = 0; d < 2; d++) {
            acc.add(per.valuesArray().slice(d).dup('c'), per.indicesArray().slice(d).dup('c'), d * 1024L);
        }
        TopK exact = Jit.jit((Tensor q, Tensor d) -> topK(dotGeneral(q, d, new int[] {1}, new int[] {1}), 10)).call(qy, db);
        assertArrayEquals(Conformance.ints(exact.indicesArray()), Conformance.ints(acc.result().indicesArray()));
    }

    @Test
    void staticArgumentsAreJavaValues() {
        Conformance.setDeviceCounts(2);
        INDArray x = Nd4j.createFromArray(new float[][] {{1, 5, 3}, {9, 2, 4}});
        Pmap.Pmapped<TopK> f = Pmap.pmapVarargs(a -> Ops.approxMaxK((Tensor) a[0], (Integer) a[1]), 2,
                PmapSpec.inAxes(0, null).staticArgnums(1));
        TopK r = f.call(x, 2);
        assertArrayEquals(new int[] {1, 2, 0, 2}, Conformance.ints(r.indicesArray()));
    }

    @Test
    void errorsNameTheArgumentAndTheShapes() {
        Conformance.setDeviceCounts(2);
        INDArray a = Nd4j.zeros(DataType.FLOAT, 2, 3);
        INDArray b = Nd4j.zeros(DataType.FLOAT, 3, 3);
        Pmap.Pmapped<Tensor> add2 = Pmap.pmap((Tensor x, Tensor y) -> Ops.add(x, y), PmapSpec.defaults());
        IllegalArgumentException sizes = assertThrows(IllegalArgumentException.class, () -> add2.call(a, b));
        assertTrue(sizes.getMessage().contains("argument 1") && sizes.getMessage().contains("[3, 3]"), sizes.getMessage());
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class, () -> add2.call(b, b));
        assertTrue(tooMany.getMessage().contains("3 slices") && tooMany.getMessage().contains("backend " + io.ann4j.compiler.spi.Backends.defaultName() + " has 2"),
                tooMany.getMessage());
    }

    /** Devices belong to a backend: each has its own count, and pmap asks the one it compiles for. */
    @org.junit.jupiter.api.Test
    void eachBackendHasItsOwnDevices() {
        java.util.List<String> names = io.ann4j.compiler.spi.Backends.available();
        for (int i = 0; i < names.size(); i++) {
            Pmap.setDeviceCount(JitConfig.defaults().backend(names.get(i)), 2 + i);
        }
        for (int i = 0; i < names.size(); i++) {
            JitConfig config = JitConfig.defaults().backend(names.get(i));
            assertEquals(2 + i, Pmap.deviceCount(config), names.get(i));
            // exactly as many slices as this backend has devices run; one more is refused naming it
            int n = 2 + i;
            Pmap.Pmapped<Tensor> sum = Pmap.pmap((Tensor x, Tensor y) -> Ops.add(x, y), PmapSpec.defaults().withConfig(config));
            INDArray x = Nd4j.arange(n).castTo(DataType.FLOAT).reshape(n, 1);
            assertEquals(2f * (n - 1), sum.call(x, x).array().getFloat(n - 1, 0));
            INDArray tooMany = Nd4j.zeros(DataType.FLOAT, n + 1, 1);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sum.call(tooMany, tooMany));
            assertTrue(e.getMessage().contains("backend " + names.get(i) + " has " + n), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Pmap.setDeviceCount(JitConfig.defaults(), 0));
    }
}
