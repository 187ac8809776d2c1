package io.ann4j.conformance;

import io.ann4j.dsl.*;

import static io.ann4j.dsl.Ops.add;
import static io.ann4j.dsl.Ops.approxMaxK;
import static io.ann4j.dsl.Ops.approxMinK;
import static io.ann4j.dsl.Ops.broadcastInDim;
import static io.ann4j.dsl.Ops.collapse;
import static io.ann4j.dsl.Ops.convert;
import static io.ann4j.dsl.Ops.div;
import static io.ann4j.dsl.Ops.dot;
import static io.ann4j.dsl.Ops.dotGeneral;
import static io.ann4j.dsl.Ops.neg;
import static io.ann4j.dsl.Ops.sliceInDim;
import static io.ann4j.dsl.Ops.sortKeyVal;
import static io.ann4j.dsl.Ops.squaredNorms;
import static io.ann4j.dsl.Ops.sub;
import static io.ann4j.dsl.Ops.topK;
import static io.ann4j.dsl.Ops.transpose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ann4j.compiler.ir.DType;
import io.ann4j.conformance.Conformance.Target;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Searches over a database stored in bf16 or f16 (as ND4J BFLOAT16 / HALF arrays, what the CLI
 * passes) with f32 queries, on every backend: MIPS and L2, whole and sharded with pmap. Recall is
 * measured against exact search on the f32 data the database was rounded from.
 */
@SuppressWarnings("deprecation") // DataType.HALF is ND4J's only name for IEEE f16
class HalfPrecisionSearchTest {
    private static final int Q = 64;
    private static final int N = 2048;
    private static final int D = 64;
    private static final int K = 10;
    private final java.util.Map<String, Integer> savedDevices = Conformance.deviceCounts();

    @AfterEach
    void restoreDevices() {
        Conformance.restoreDeviceCounts(savedDevices);
    }

    static Stream<Arguments> cases() {
        return Conformance.targetStream().flatMap(t -> Stream.of(DataType.BFLOAT16, DataType.HALF)
                .map(dtype -> Arguments.of(t, dtype)));
    }

    private static INDArray stored(INDArray f32, DataType half) {
        return f32.castTo(half); // rounds to nearest even (ND4J's conversion; NaN-free data)
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void mipsOverAHalfDatabaseMeetsTheTargetAgainstF32Search(Target t, DataType half) {
        INDArray qy = Conformance.randDefault(21, DataType.FLOAT, Q, D);
        INDArray db = Conformance.randDefault(22, DataType.FLOAT, N, D);
        INDArray truth = Jit.jit((Tensor q, Tensor d) -> topK(dot(q, transpose(d)), K)).call(qy, db).indicesArray();
        TopK r = Jit.jit((Tensor q, Tensor d) -> approxMaxK(dot(q, transpose(d)), K, 0.95), t.config())
                .call(qy, stored(db, half));
        assertEquals(DataType.FLOAT, r.valuesArray().dataType(), "f32 queries against a half database score in f32");
        double recall = Ann.recall(r.indicesArray(), truth);
        assertTrue(recall >= 0.95, t + " " + half + ": recall " + recall);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void l2OverAHalfDatabaseWithF32NormsMeetsTheTarget(Target t, DataType half) {
        INDArray qy = Conformance.randDefault(23, DataType.FLOAT, Q, D);
        INDArray db = Conformance.randDefault(24, DataType.FLOAT, N, D);
        INDArray truth = Jit.jit((Tensor q, Tensor d) -> topK(neg(l2(q, d)), K)).call(qy, db).indicesArray();
        TopK r = Jit.jit((Tensor q, Tensor d) -> approxMinK(l2(q, d), K, 0.95), t.config()).call(qy, stored(db, half));
        double recall = Ann.recall(r.indicesArray(), truth);
        assertTrue(recall >= 0.95, t + " " + half + ": recall " + recall);
    }

    /** {@code |db|^2 / 2 - qy.db}, the norms in f32 from the stored rows (half norms would lose the order). */
    private static Tensor l2(Tensor q, Tensor d) {
        Tensor halfNorms = div(squaredNorms(d.dtype() == DType.F32 ? d : convert(d, DType.F32)), 2.0);
        return sub(broadcastInDim(halfNorms, new int[] {q.dim(0), d.dim(0)}, new int[] {1}), dot(q, transpose(d)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void halfShardsUnderPmapMeetTheTarget(Target t, DataType half) {
        int devices = 2;
        Conformance.setDeviceCounts(devices);
        INDArray qy = Conformance.randDefault(25, DataType.FLOAT, Q, D);
        INDArray db = Conformance.randDefault(26, DataType.FLOAT, N, D);
        INDArray truth = Jit.jit((Tensor q, Tensor d) -> topK(dot(q, transpose(d)), K)).call(qy, db).indicesArray();
        int perDevice = N / devices;
        INDArray shards = stored(db, half).reshape('c', devices, perDevice, D);
        INDArray offsets = Nd4j.createFromArray(IntStream.range(0, devices).map(i -> i * perDevice).toArray());
        Pmap.Pmapped<TopK> search = Pmap.pmap((Tensor q, Tensor shard, Tensor offset) -> {
            TopK r = approxMaxK(dotGeneral(q, shard, new int[] {1}, new int[] {1}), ApproxTopKOptions.k(K)
                    .reductionDimension(1).reductionInputSizeOverride(N).aggregateToTopk(false));
            return new TopK(r.values(), add(r.indices(), offset));
        }, PmapSpec.inAxes(null, 0, 0).outAxes(1, 1).withConfig(t.config()));
        TopK per = search.call(qy, shards, offsets);
        TopK merged = Jit.jit((Tensor v, Tensor i) -> {
            KeyValue sorted = sortKeyVal(neg(collapse(v, 1, 3)), collapse(i, 1, 3), 1);
            return new TopK(sliceInDim(sorted.keys(), 0, K, 1), sliceInDim(sorted.values(), 0, K, 1));
        }).call(per.values(), per.indices());
        double recall = Ann.recall(merged.indicesArray(), truth);
        assertTrue(recall >= 0.95, t + " " + half + ": recall " + recall);
    }
}
