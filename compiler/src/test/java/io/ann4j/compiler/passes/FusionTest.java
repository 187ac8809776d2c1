package io.ann4j.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

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
import io.ann4j.compiler.ops.Constant;
import io.ann4j.compiler.ops.DotGeneral;
import io.ann4j.compiler.ops.FusedRegion;
import io.ann4j.compiler.ops.Reduce;
import io.ann4j.compiler.ops.TopK;
import io.ann4j.compiler.ops.UnaryOp;
import io.ann4j.compiler.testing.ReferenceInterpreter;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fusion groups a matrix product, the elementwise ops on its result and the top-k along its
 * dimension 1 into one {@link FusedRegion}, and leaves everything else alone.
 */
class FusionTest {
    static final int Q = 6;
    static final int N = 300;
    static final int D = 5;
    static final DotGeneral QY_DOT_DB = new DotGeneral(Dims.of(1), Dims.of(1), Dims.empty(), Dims.empty());

    static TensorType f32(int... shape) {
        return TensorType.of(DType.F32, shape);
    }

    static ApproxTopK maxK(int k) {
        return new ApproxTopK(ApproxTopKParams.defaults(k, true));
    }

    static ApproxTopK minK(int k) {
        return new ApproxTopK(ApproxTopKParams.defaults(k, false));
    }

    static List<Class<?>> opTypes(Graph g) {
        return g.nodes().stream().<Class<?>>map(n -> n.op().getClass()).toList();
    }

    static FusedRegion onlyRegion(Graph fused) {
        assertEquals(1, fused.nodes().size(), fused::toString);
        return assertInstanceOf(FusedRegion.class, fused.nodes().get(0).op(), fused::toString);
    }

    static void assertSameFunction(Graph before, Graph after) {
        assertEquals(before.parameterTypes(), after.parameterTypes());
        assertEquals(before.resultTypes(), after.resultTypes());
        for (long seed = 0; seed < 2; seed++) {
            var args = ReferenceInterpreter.randomArguments(before, seed);
            assertEquals(ReferenceInterpreter.run(before, args), ReferenceInterpreter.run(after, args),
                    () -> "before:\n" + before + "\nafter:\n" + after);
        }
    }

    @Test
    void plainMipsBecomesOneRegion() {
        GraphBuilder b = new GraphBuilder();
        Value qy = b.parameter(f32(Q, D));
        Value db = b.parameter(f32(N, D));
        Value scores = b.add1(QY_DOT_DB, qy, db);
        Graph g = b.build(b.add(maxK(10), List.of(scores)));

        Graph fused = Fusion.run(g);

        FusedRegion region = onlyRegion(fused);
        assertEquals(List.of(DotGeneral.class, ApproxTopK.class), opTypes(region.body()));
        assertEquals(QY_DOT_DB, region.body().nodes().get(0).op());
        assertEquals(maxK(10), region.body().nodes().get(1).op());
        Node node = fused.nodes().get(0);
        assertEquals(fused.parameters(), node.inputs(), "the region reads qy and db");
        assertEquals(node.outputs(), fused.results());
        assertEquals(List.of(f32(Q, 10), TensorType.of(DType.I32, Q, 10)), fused.resultTypes());
        assertSameFunction(g, fused);
    }

    @Test
    void lastAxisWrittenAsMinusOneOrOneBothFuse() {
        for (int dim : new int[] {-1, 1}) {
            GraphBuilder b = new GraphBuilder();
            Value qy = b.parameter(f32(Q, D));
            Value db = b.parameter(f32(N, D));
            Value scores = b.add1(QY_DOT_DB, qy, db);
            ApproxTopK op = new ApproxTopK(new ApproxTopKParams(7, dim, 0.9f, true, -1, false));
            Graph g = b.build(b.add(op, List.of(scores)));
            onlyRegion(Fusion.run(g));
        }
    }

    @Test
    void l2FormFusesWithTheBroadcastOfHalfNormsInsideTheBody() {
        GraphBuilder b = new GraphBuilder();
        Value qy = b.parameter(f32(Q, D));
        Value db = b.parameter(f32(N, D));
        Value halfNorms = b.parameter(f32(N));
        Value scores = b.add1(QY_DOT_DB, qy, db);
        Value bn = b.add1(new BroadcastInDim(Dims.of(Q, N), Dims.of(1)), halfNorms);
        Value dist = b.add1(new BinaryOp(BinaryOp.Kind.SUB), bn, scores);
        Graph g = b.build(b.add(minK(10), List.of(dist)));

        Graph fused = Fusion.run(g);

        FusedRegion region = onlyRegion(fused);
        assertEquals(List.of(DotGeneral.class, BroadcastInDim.class, BinaryOp.class, ApproxTopK.class), opTypes(region.body()));
        assertEquals(List.of(qy, db, halfNorms).stream().map(Value::type).toList(), region.body().parameterTypes());
        assertEquals(fused.parameters(), fused.nodes().get(0).inputs(), "qy, db and halfNorms are the region's inputs");
        Node sub = region.body().nodes().get(2);
        Graph body = region.body();
        assertEquals(body.nodes().get(1).output(), sub.inputs().get(0), "the broadcast stays the left operand of sub");
        assertEquals(body.nodes().get(0).output(), sub.inputs().get(1), "the dot stays the right operand of sub");
        assertSameFunction(g, fused);
    }

    @Test
    void l2FormWithHalfNormsComputedInTheGraphKeepsThatComputationOutside() {
        GraphBuilder b = new GraphBuilder();
        Value qy = b.parameter(f32(Q, D));
        Value db = b.parameter(f32(N, D));
        Value sq = b.add1(new UnaryOp(UnaryOp.Kind.SQUARE), db);
        Value norms = b.add1(new Reduce(Reduce.Kind.SUM, Dims.of(1)), sq);
        Value half = b.add1(new BroadcastInDim(Dims.of(N), Dims.empty()), b.add1(new Constant(0.5, DType.F32)));
        Value halfNorms = b.add1(new BinaryOp(BinaryOp.Kind.MUL), norms, half);
        Value scores = b.add1(QY_DOT_DB, qy, db);
        Value bn = b.add1(new BroadcastInDim(Dims.of(Q, N), Dims.of(1)), halfNorms);
        Value dist = b.add1(new BinaryOp(BinaryOp.Kind.SUB), bn, scores);
        Graph g = b.build(b.add(minK(4), List.of(dist)));

        Graph fused = Fusion.run(g);

        Node last = fused.nodes().get(fused.nodes().size() - 1);
        FusedRegion region = assertInstanceOf(FusedRegion.class, last.op(), fused::toString);
        assertEquals(List.of(UnaryOp.class, Reduce.class, Constant.class, BroadcastInDim.class, BinaryOp.class, FusedRegion.class),
                opTypes(fused));
        assertEquals(fused.nodes().get(4).output(), last.inputs().get(2), "the computed half norms feed the region");
        assertEquals(List.of(DotGeneral.class, BroadcastInDim.class, BinaryOp.class, ApproxTopK.class), opTypes(region.body()));
        assertSameFunction(g, fused);
    }

    @Test
    void scalarAndPerRowSidesAndUnaryOpsJoinTheChain() {
        GraphBuilder b = new GraphBuilder();
        Value qy = b.parameter(f32(Q, D));
        Value db = b.parameter(f32(N, D));
        Value rowBias = b.parameter(f32(Q));
        Value scale = b.parameter(f32());
        Value scores = b.add1(QY_DOT_DB, qy, db);
        Value neg = b.add1(new UnaryOp(UnaryOp.Kind.NEG), scores);
        Value scaled = b.add1(new BinaryOp(BinaryOp.Kind.MUL), neg, b.add1(new BroadcastInDim(Dims.of(Q, N), Dims.empty()), scale));
        Value biased = b.add1(new BinaryOp(BinaryOp.Kind.ADD), scaled, b.add1(new BroadcastInDim(Dims.of(Q, N), Dims.of(0)), rowBias));
        Graph g = b.build(b.add(new TopK(3), List.of(biased)));

        Graph fused = Fusion.run(g);

        FusedRegion region = onlyRegion(fused);
        assertEquals(List.of(DotGeneral.class, BroadcastInDim.class, BroadcastInDim.class, UnaryOp.class, BinaryOp.class,
                BinaryOp.class, TopK.class), opTypes(region.body()));
        assertSameFunction(g, fused);
    }

    @Test
    void exactTopKFusesToo() {
        GraphBuilder b = new GraphBuilder();
        Value qy = b.parameter(f32(Q, D));
        Value db = b.parameter(f32(D, N));
        Value scores = b.add1(DotGeneral.dot(2), qy, db);
        Graph g = b.build(b.add(new TopK(10), List.of(scores)));

        Graph fused = Fusion.run(g);

        FusedRegion region = onlyRegion(fused);
        assertEquals(List.of(DotGeneral.class, TopK.class), opTypes(region.body()));
        assertSameFunction(g, fused);
    }

    @Test
    void dotWithASecondReaderDoesNotFuse() {
        GraphBuilder b = new GraphBuilder();
        Value qy = b.parameter(f32(Q, D));
        Value db = b.parameter(f32(N, D));
        Value scores = b.add1(QY_DOT_DB, qy, db);
        List<Value> top = b.add(maxK(10), List.of(scores));
        Graph returnsScores = b.build(List.of(top.get(0), top.get(1), scores));
        assertSame(returnsScores, Fusion.run(returnsScores));

        GraphBuilder b2 = new GraphBuilder();
        Value qy2 = b2.parameter(f32(Q, D));
        Value db2 = b2.parameter(f32(N, D));
        Value scores2 = b2.add1(QY_DOT_DB, qy2, db2);
        Value neg = b2.add1(new UnaryOp(UnaryOp.Kind.NEG), scores2);
        List<Value> top2 = b2.add(maxK(10), List.of(scores2));
        Graph readByNeg = b2.build(List.of(top2.get(0), neg));
        assertSame(readByNeg, Fusion.run(readByNeg));
    }

    @Test
    void elementwiseIntermediateWithASecondReaderDoesNotFuse() {
        GraphBuilder b = new GraphBuilder();
        Value qy = b.parameter(f32(Q, D));
        Value db = b.parameter(f32(N, D));
        Value neg = b.add1(new UnaryOp(UnaryOp.Kind.NEG), b.add1(QY_DOT_DB, qy, db));
        List<Value> top = b.add(maxK(10), List.of(neg));
        Graph g = b.build(List.of(top.get(1), neg));
        assertSame(g, Fusion.run(g));
    }

    @Test
    void reductionAlongDimensionZeroDoesNotFuse() {
        GraphBuilder b = new GraphBuilder();
        Value qy = b.parameter(f32(Q, D));
        Value db = b.parameter(f32(N, D));
        Value scores = b.add1(QY_DOT_DB, qy, db);
        ApproxTopK alongQueries = new ApproxTopK(ApproxTopKParams.defaults(3, true).withReductionDimension(0));
        Graph g = b.build(b.add(alongQueries, List.of(scores)));
        assertSame(g, Fusion.run(g));

        GraphBuilder b2 = new GraphBuilder();
        Value qy2 = b2.parameter(f32(Q, D));
        Value db2 = b2.parameter(f32(N, D));
        Value s2 = b2.add1(QY_DOT_DB, qy2, db2);
        Graph g2 = b2.build(b2.add(new ApproxTopK(ApproxTopKParams.defaults(3, true).withReductionDimension(-2)), List.of(s2)));
        assertSame(g2, Fusion.run(g2));
    }

    @Test
    void batchedDotDoesNotFuse() {
        GraphBuilder b = new GraphBuilder();
        Value qy = b.parameter(f32(4, Q, D));
        Value db = b.parameter(f32(4, N, D));
        DotGeneral batched = new DotGeneral(Dims.of(2), Dims.of(2), Dims.of(0), Dims.of(0));
        Value scores = b.add1(batched, qy, db);
        Graph g = b.build(b.add(maxK(10), List.of(scores)));
        assertSame(g, Fusion.run(g));
    }

    @Test
    void elementwiseWithAFullMatrixOperandDoesNotFuse() {
        GraphBuilder b = new GraphBuilder();
        Value qy = b.parameter(f32(Q, D));
        Value db = b.parameter(f32(N, D));
        Value mask = b.parameter(f32(Q, N));
        Value s = b.add1(new BinaryOp(BinaryOp.Kind.ADD), b.add1(QY_DOT_DB, qy, db), mask);
        Graph g = b.build(b.add(maxK(10), List.of(s)));
        assertSame(g, Fusion.run(g));
    }

    /** Regression: the matcher read input 0 of every node, and constants and iotas have none. */
    @Test
    void graphsWithNullaryOpsAreLeftAlone() {
        GraphBuilder b = new GraphBuilder();
        Value x = b.parameter(f32(3));
        Value iota = b.add1(new io.ann4j.compiler.ops.Iota(DType.F32, Dims.of(3), 0));
        Value c = b.add1(new BroadcastInDim(Dims.of(3), Dims.empty()), b.add1(new Constant(2, DType.F32)));
        Graph g = b.build(List.of(b.add1(new BinaryOp(BinaryOp.Kind.MUL), b.add1(new BinaryOp(BinaryOp.Kind.ADD), x, iota), c)));
        assertSame(g, Fusion.run(g));
    }

    @Test
    void reductionOfAParameterDoesNotFuse() {
        GraphBuilder b = new GraphBuilder();
        Value scores = b.parameter(f32(Q, N));
        Graph g = b.build(b.add(maxK(10), List.of(scores)));
        assertSame(g, Fusion.run(g));
    }

    @Test
    void twoIndependentSearchesBecomeTwoRegions() {
        GraphBuilder b = new GraphBuilder();
        Value qy = b.parameter(f32(Q, D));
        Value db = b.parameter(f32(N, D));
        List<Value> top1 = b.add(maxK(5), List.of(b.add1(QY_DOT_DB, qy, db)));
        List<Value> top2 = b.add(new TopK(2), List.of(b.add1(QY_DOT_DB, qy, db)));
        Graph g = b.build(List.of(top1.get(1), top2.get(1)));

        Graph fused = Fusion.run(g);

        assertEquals(List.of(FusedRegion.class, FusedRegion.class), opTypes(fused));
        assertSameFunction(g, fused);
    }

    @Test
    void pipelineCanonicalisesThenFusesAndFusionCanBeTurnedOff() {
        GraphBuilder b = new GraphBuilder();
        Value qy = b.parameter(f32(Q, D));
        Value db = b.parameter(f32(N, D));
        Value dbT = b.add1(new io.ann4j.compiler.ops.Transpose(Dims.of(1, 0)), db);
        Graph g = b.build(b.add(maxK(10), List.of(b.add1(DotGeneral.dot(2), qy, dbT))));

        Graph on = Pipeline.optimize(g, CompileOptions.defaults());
        FusedRegion region = onlyRegion(on);
        assertEquals(QY_DOT_DB, region.body().nodes().get(0).op());
        assertSameFunction(g, on);

        Graph off = Pipeline.optimize(g, CompileOptions.defaults().withFusion(false));
        assertEquals(List.of(DotGeneral.class, ApproxTopK.class), opTypes(off));
        assertSameFunction(g, off);
    }
}
