package io.ann4j.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.Dims;
import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.ir.GraphBuilder;
import io.ann4j.compiler.ir.Node;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.ir.Value;
import io.ann4j.compiler.ops.ApproxTopK;
import io.ann4j.compiler.ops.ApproxTopKParams;
import io.ann4j.compiler.ops.BinaryOp;
import io.ann4j.compiler.ops.BroadcastInDim;
import io.ann4j.compiler.ops.Concatenate;
import io.ann4j.compiler.ops.Constant;
import io.ann4j.compiler.ops.Convert;
import io.ann4j.compiler.ops.DotGeneral;
import io.ann4j.compiler.ops.FusedRegion;
import io.ann4j.compiler.ops.GatherRows;
import io.ann4j.compiler.ops.Iota;
import io.ann4j.compiler.ops.Op;
import io.ann4j.compiler.ops.Reduce;
import io.ann4j.compiler.ops.Reshape;
import io.ann4j.compiler.ops.Slice;
import io.ann4j.compiler.ops.SortKeyVal;
import io.ann4j.compiler.ops.TopK;
import io.ann4j.compiler.ops.Transpose;
import io.ann4j.compiler.ops.UnaryOp;
import io.ann4j.compiler.testing.ReferenceInterpreter;
import io.ann4j.compiler.testing.ReferenceInterpreter.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code vmap}'s batching transform: the batched graph's types carry the batch as dimension 0,
 * and for every example {@code b} its results at {@code [b]} are what the original graph returns
 * on that example.
 */
class BatchingTest {
    static TensorType f32(int... shape) {
        return TensorType.of(DType.F32, shape);
    }

    static TensorType i32(int... shape) {
        return TensorType.of(DType.I32, shape);
    }

    /** dot(qy, db^T) then approx_max_k(k) along the last axis. */
    static Graph search(int q, int n, int d, int k) {
        GraphBuilder b = new GraphBuilder();
        Value qy = b.parameter(f32(q, d));
        Value db = b.parameter(f32(n, d));
        Value scores = b.add1(new DotGeneral(Dims.of(1), Dims.of(1), Dims.empty(), Dims.empty()), qy, db);
        return b.build(b.add(new ApproxTopK(ApproxTopKParams.defaults(k, true)), List.of(scores)));
    }

    static <T extends Op> List<T> ops(Graph g, Class<T> type) {
        return g.nodes().stream().map(Node::op).filter(type::isInstance).map(type::cast).toList();
    }

    /**
     * Runs the batched graph on random batched arguments and the original on each example, and
     * asserts they agree.
     */
    static Graph assertBatchesLikeAMap(Graph g, boolean[] isBatched, int size) {
        Graph batched = Batching.batch(g, isBatched, size);
        for (int i = 0; i < g.parameters().size(); i++) {
            TensorType t = g.parameterTypes().get(i);
            TensorType expected = isBatched[i] ? new TensorType(t.dtype(), prepend(size, t.shape())) : t;
            assertEquals(expected, batched.parameterTypes().get(i), "parameter " + i);
        }
        for (int i = 0; i < g.results().size(); i++) {
            TensorType t = g.resultTypes().get(i);
            assertEquals(new TensorType(t.dtype(), prepend(size, t.shape())), batched.resultTypes().get(i), "result " + i);
        }
        List<Tensor> args = ReferenceInterpreter.randomArguments(batched, 42);
        List<Tensor> outs = ReferenceInterpreter.run(batched, args);
        for (int e = 0; e < size; e++) {
            List<Tensor> example = new ArrayList<>();
            for (int i = 0; i < args.size(); i++) {
                example.add(isBatched[i] ? ReferenceInterpreter.indexBatch(args.get(i), e) : args.get(i));
            }
            List<Tensor> expected = ReferenceInterpreter.run(g, example);
            for (int r = 0; r < expected.size(); r++) {
                int ex = e;
                int res = r;
                assertEquals(expected.get(r), ReferenceInterpreter.indexBatch(outs.get(r), e),
                        () -> "example " + ex + ", result " + res + " of\n" + batched);
            }
        }
        return batched;
    }

    static Dims prepend(int first, Dims rest) {
        int[] out = new int[rest.size() + 1];
        out[0] = first;
        for (int i = 0; i < rest.size(); i++) {
            out[i + 1] = rest.get(i);
        }
        return Dims.of(out);
    }

    @Test
    void searchWithQueriesAndDatabaseBatched() {
        Graph batched = Batching.batch(search(128, 1024, 32, 10), new boolean[] {true, true}, 4);

        assertEquals(List.of(f32(4, 128, 32), f32(4, 1024, 32)), batched.parameterTypes());
        assertEquals(List.of(f32(4, 128, 10), i32(4, 128, 10)), batched.resultTypes());
        DotGeneral dot = ops(batched, DotGeneral.class).get(0);
        assertEquals(new DotGeneral(Dims.of(2), Dims.of(2), Dims.of(0), Dims.of(0)), dot);
        assertEquals(2, ops(batched, ApproxTopK.class).get(0).params().reductionDimension());
        assertTrue(ops(batched, Transpose.class).isEmpty(), batched::toString);
    }

    @Test
    void searchWithOnlyQueriesBatched() {
        Graph batched = Batching.batch(search(128, 1024, 32, 10), new boolean[] {true, false}, 4);

        assertEquals(List.of(f32(4, 128, 32), f32(1024, 32)), batched.parameterTypes());
        assertEquals(List.of(f32(4, 128, 10), i32(4, 128, 10)), batched.resultTypes());
        assertEquals(new DotGeneral(Dims.of(2), Dims.of(1), Dims.empty(), Dims.empty()), ops(batched, DotGeneral.class).get(0));
        assertTrue(ops(batched, Transpose.class).isEmpty(), batched::toString);
        assertTrue(ops(batched, BroadcastInDim.class).isEmpty(), "db is never copied per example:\n" + batched);
    }

    @Test
    void searchWithOnlyDatabaseBatchedMovesTheBatchToTheFront() {
        Graph batched = Batching.batch(search(128, 1024, 32, 10), new boolean[] {false, true}, 4);

        assertEquals(List.of(f32(128, 32), f32(4, 1024, 32)), batched.parameterTypes());
        assertEquals(List.of(f32(4, 128, 10), i32(4, 128, 10)), batched.resultTypes());
        assertEquals(List.of(new Transpose(Dims.of(1, 0, 2))), ops(batched, Transpose.class));
    }

    @ParameterizedTest(name = "qy batched {0}, db batched {1}")
    @CsvSource({"true, true", "true, false", "false, true", "false, false"})
    void batchedSearchComputesEveryExamplesSearch(boolean qy, boolean db) {
        assertBatchesLikeAMap(search(5, 9, 3, 4), new boolean[] {qy, db}, 3);
    }

    @Test
    void unbatchedResultsAreBroadcastAlongTheBatch() {
        Graph batched = assertBatchesLikeAMap(search(5, 9, 3, 4), new boolean[] {false, false}, 3);
        assertEquals(List.of(f32(3, 5, 4), i32(3, 5, 4)), batched.resultTypes());
        assertEquals(2, ops(batched, BroadcastInDim.class).size());
    }

    @Test
    void binaryOpBroadcastsItsUnbatchedOperand() {
        GraphBuilder b = new GraphBuilder();
        Value x = b.parameter(f32(2, 3));
        Value y = b.parameter(f32(2, 3));
        Graph g = b.build(List.of(b.add1(new BinaryOp(BinaryOp.Kind.SUB), x, y)));

        Graph batched = assertBatchesLikeAMap(g, new boolean[] {false, true}, 4);

        assertEquals(List.of(new BroadcastInDim(Dims.of(4, 2, 3), Dims.of(1, 2))), ops(batched, BroadcastInDim.class));
        Node sub = batched.nodes().get(batched.nodes().size() - 1);
        assertEquals(batched.parameters().get(1), sub.inputs().get(1), "the batched operand is read as it is");
        assertEquals(f32(4, 2, 3), sub.inputs().get(0).type());
    }

    @Test
    void reduceAxesShiftPastTheBatch() {
        GraphBuilder b = new GraphBuilder();
        Value x = b.parameter(f32(2, 3, 5));
        Graph g = b.build(List.of(b.add1(new Reduce(Reduce.Kind.SUM, Dims.of(0, 2)), x)));

        Graph batched = assertBatchesLikeAMap(g, new boolean[] {true}, 4);

        assertEquals(List.of(new Reduce(Reduce.Kind.SUM, Dims.of(1, 3))), ops(batched, Reduce.class));
        assertEquals(List.of(f32(4, 3)), batched.resultTypes());
    }

    @Test
    void negativeReductionDimensionStaysTheSameAxis() {
        GraphBuilder b = new GraphBuilder();
        Value x = b.parameter(f32(7, 5));
        ApproxTopK alongRows = new ApproxTopK(new ApproxTopKParams(2, -2, 0.95f, false, -1, true));
        Graph g = b.build(b.add(alongRows, List.of(x)));

        Graph batched = assertBatchesLikeAMap(g, new boolean[] {true}, 3);

        assertEquals(1, ops(batched, ApproxTopK.class).get(0).params().reductionDimension());
        assertEquals(List.of(f32(3, 2, 5), i32(3, 2, 5)), batched.resultTypes());
    }

    @Test
    void structuralOpsShiftTheirDimensions() {
        GraphBuilder b = new GraphBuilder();
        Value x = b.parameter(f32(2, 3));
        Value t = b.add1(new Transpose(Dims.of(1, 0)), x);
        Value r = b.add1(new Reshape(Dims.of(6)), t);
        Value s = b.add1(new Slice(Dims.of(1), Dims.of(6), Dims.of(2)), r);
        Value bc = b.add1(new BroadcastInDim(Dims.of(2, 3), Dims.of(1)), s);
        Value c = b.add1(new Concatenate(1), bc, x);
        Value u = b.add1(new UnaryOp(UnaryOp.Kind.ABS), c);
        Value cv = b.add1(new Convert(DType.F64), u);
        Graph g = b.build(List.of(cv));

        Graph batched = assertBatchesLikeAMap(g, new boolean[] {true}, 3);

        assertEquals(List.of(new Transpose(Dims.of(0, 2, 1))), ops(batched, Transpose.class));
        assertEquals(List.of(new Reshape(Dims.of(3, 6))), ops(batched, Reshape.class));
        assertEquals(List.of(new Slice(Dims.of(0, 1), Dims.of(3, 6), Dims.of(1, 2))), ops(batched, Slice.class));
        assertEquals(List.of(new BroadcastInDim(Dims.of(3, 2, 3), Dims.of(0, 2))), ops(batched, BroadcastInDim.class));
        assertEquals(List.of(new Concatenate(2)), ops(batched, Concatenate.class));
        assertEquals(List.of(TensorType.of(DType.F64, 3, 2, 6)), batched.resultTypes());
    }

    @Test
    void concatenateAndSortKeyValBroadcastTheirUnbatchedOperands() {
        GraphBuilder b = new GraphBuilder();
        Value keys = b.parameter(f32(2, 5));
        Value vals = b.parameter(i32(2, 5));
        Value extra = b.parameter(f32(2, 1));
        Value cat = b.add1(new Concatenate(1), keys, extra);
        Value catVals = b.add1(new Concatenate(1), vals, b.add1(new Convert(DType.I32), extra));
        Graph g = b.build(b.add(new SortKeyVal(1), List.of(cat, catVals)));

        Graph batched = assertBatchesLikeAMap(g, new boolean[] {true, false, false}, 3);

        assertEquals(List.of(new SortKeyVal(2)), ops(batched, SortKeyVal.class));
        assertEquals(List.of(f32(3, 2, 6), i32(3, 2, 6)), batched.resultTypes());
    }

    @Test
    void exactTopKBatchesAsItIs() {
        GraphBuilder b = new GraphBuilder();
        Value x = b.parameter(f32(4, 9));
        Graph g = b.build(b.add(new TopK(3), List.of(x)));

        Graph batched = assertBatchesLikeAMap(g, new boolean[] {true}, 2);

        assertEquals(List.of(new TopK(3)), ops(batched, TopK.class));
    }

    @ParameterizedTest(name = "operand batched {0}, indices batched {1}, batchDims {2}")
    @CsvSource({"true, true, 0", "true, false, 0", "false, true, 0", "true, true, 1", "false, true, 1", "true, false, 1"})
    void gatherRowsGainsABatchDimension(boolean operandBatched, boolean indicesBatched, int batchDims) {
        GraphBuilder b = new GraphBuilder();
        Value operand = b.parameter(batchDims == 0 ? f32(4, 3) : f32(2, 4, 3));
        Value indices = b.parameter(batchDims == 0 ? i32(5) : i32(2, 5));
        Graph g = b.build(List.of(b.add1(new GatherRows(batchDims), operand, indices)));

        Graph batched = assertBatchesLikeAMap(g, new boolean[] {operandBatched, indicesBatched}, 3);

        int expectedBatchDims = !operandBatched && batchDims == 0 ? 0 : batchDims + 1;
        assertEquals(List.of(new GatherRows(expectedBatchDims)), ops(batched, GatherRows.class));
    }

    @Test
    void dotWithItsOwnBatchDimensionsKeepsThemAfterTheNewOne() {
        GraphBuilder b = new GraphBuilder();
        Value x = b.parameter(f32(2, 3, 4));
        Value y = b.parameter(f32(4, 2, 5));
        DotGeneral d = new DotGeneral(Dims.of(2), Dims.of(0), Dims.of(0), Dims.of(1));
        Graph g = b.build(List.of(b.add1(d, x, y)));
        for (boolean[] which : new boolean[][] {{true, true}, {true, false}, {false, true}}) {
            Graph batched = assertBatchesLikeAMap(g, which, 3);
            assertEquals(List.of(f32(3, 2, 3, 5)), batched.resultTypes());
        }
    }

    @Test
    void nodesWithoutBatchedInputsStayUnbatched() {
        GraphBuilder b = new GraphBuilder();
        Value x = b.parameter(f32(3));
        Value iota = b.add1(new Iota(DType.F32, Dims.of(3), 0));
        Value one = b.add1(new BroadcastInDim(Dims.of(3), Dims.empty()), b.add1(new Constant(1, DType.F32)));
        Value ramp = b.add1(new BinaryOp(BinaryOp.Kind.ADD), iota, one);
        Graph g = b.build(List.of(b.add1(new BinaryOp(BinaryOp.Kind.MUL), x, ramp)));

        Graph batched = assertBatchesLikeAMap(g, new boolean[] {true}, 4);

        assertEquals(List.of(f32(3)), ops(batched, Iota.class).stream().map(i -> new TensorType(i.dtype(), i.shape())).toList());
        List<Node> adds = batched.nodes().stream().filter(n -> n.op().equals(new BinaryOp(BinaryOp.Kind.ADD))).toList();
        assertEquals(f32(3), adds.get(0).output().type(), "the ramp is computed once, not per example");
    }

    @Test
    void fusedRegionsAreRejected() {
        Graph fused = Fusion.run(search(5, 200, 3, 4));
        assertTrue(fused.nodes().get(0).op() instanceof FusedRegion);
        assertThrows(IllegalArgumentException.class, () -> Batching.batch(fused, new boolean[] {true, true}, 2));
    }
}
