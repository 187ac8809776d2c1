package io.ann4j.compiler.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ann4j.compiler.ops.ApproxTopK;
import io.ann4j.compiler.ops.ApproxTopKParams;
import io.ann4j.compiler.ops.DotGeneral;
import io.ann4j.compiler.ops.UnaryOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Graphs are SSA, immutable, and print canonically: their text is the compile caches' key. */
class GraphTest {

    static TensorType f32(int... shape) {
        return TensorType.of(DType.F32, shape);
    }

    static Graph search(int k) {
        GraphBuilder b = new GraphBuilder();
        Value qy = b.parameter(f32(200, 128));
        Value db = b.parameter(f32(128, 500));
        Value scores = b.add1(DotGeneral.dot(2), qy, db);
        return b.build(b.add(new ApproxTopK(ApproxTopKParams.defaults(k, true)), List.of(scores)));
    }

    @Test
    void identicalGraphsBuiltSeparatelyPrintTheSame() {
        Graph a = search(10);
        Graph b = search(10);
        assertEquals(a.toString(), b.toString());
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
    }

    @Test
    void textNamesValuesInDefinitionOrderWhateverTheirIds() {
        Value x = new Value(41, f32(2, 3));
        Value y = new Value(7, f32(2, 3));
        Node neg = new Node(new UnaryOp(UnaryOp.Kind.NEG), List.of(x), List.of(y));
        Graph renumbered = new Graph(List.of(x), List.of(neg), List.of(y));

        GraphBuilder b = new GraphBuilder();
        Value p = b.parameter(f32(2, 3));
        Graph built = b.build(List.of(b.add1(new UnaryOp(UnaryOp.Kind.NEG), p)));

        assertEquals(built.toString(), renumbered.toString());
        assertEquals("(%0:f32[2,3]) {\n  %1:f32[2,3] = UnaryOp[kind=NEG](%0)\n  return %1\n}", built.toString());
    }

    @Test
    void textShowsEveryOutputOpParameterAndResult() {
        String text = search(10).toString();
        assertTrue(text.startsWith("(%0:f32[200,128], %1:f32[128,500]) {\n"), text);
        assertTrue(text.contains("%2:f32[200,500] = DotGeneral[lhsContracting=[1], rhsContracting=[0], lhsBatch=[], rhsBatch=[]](%0, %1)"), text);
        assertTrue(text.contains("%3:f32[200,10], %4:i32[200,10] = ApproxTopK[params=ApproxTopKParams[k=10, reductionDimension=-1, "
                + "recallTarget=0.95, isMaxK=true, reductionInputSizeOverride=-1, aggregateToTopk=true]](%2)"), text);
        assertTrue(text.endsWith("  return %3, %4\n}"), text);
    }

    @Test
    void graphsThatDifferInAnOpParameterPrintDifferently() {
        assertNotEquals(search(10).toString(), search(11).toString());
    }

    @Test
    void graphsThatDifferOnlyInWhichValueIsReturnedPrintDifferently() {
        GraphBuilder b1 = new GraphBuilder();
        Value x1 = b1.parameter(f32(2));
        Value y1 = b1.parameter(f32(2));
        Graph first = b1.build(List.of(x1));
        GraphBuilder b2 = new GraphBuilder();
        b2.parameter(f32(2));
        Value y2 = b2.parameter(f32(2));
        Graph second = b2.build(List.of(y2));
        assertNotEquals(first.toString(), second.toString());
        assertEquals(List.of(y1.type()), second.resultTypes());
    }

    @Test
    void useBeforeDefinitionIsRejected() {
        Value x = new Value(0, f32(2));
        Value undefined = new Value(1, f32(2));
        Value out = new Value(2, f32(2));
        Node neg = new Node(new UnaryOp(UnaryOp.Kind.NEG), List.of(undefined), List.of(out));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new Graph(List.of(x), List.of(neg), List.of(out)));
        assertTrue(e.getMessage().contains("%1:f32[2]"), e.getMessage());
    }

    @Test
    void useOfALaterNodesOutputIsRejected() {
        Value x = new Value(0, f32(2));
        Value a = new Value(1, f32(2));
        Value c = new Value(2, f32(2));
        Node first = new Node(new UnaryOp(UnaryOp.Kind.NEG), List.of(c), List.of(a));
        Node second = new Node(new UnaryOp(UnaryOp.Kind.NEG), List.of(x), List.of(c));
        assertThrows(IllegalStateException.class, () -> new Graph(List.of(x), List.of(first, second), List.of(a)));
        assertEquals(List.of(f32(2)), new Graph(List.of(x), List.of(second, first), List.of(a)).resultTypes());
    }

    @Test
    void returningAnUndefinedValueIsRejected() {
        Value x = new Value(0, f32(2));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new Graph(List.of(x), List.of(), List.of(new Value(5, f32(2)))));
        assertTrue(e.getMessage().contains("undefined"), e.getMessage());
    }

    @Test
    void parametersMustComeBeforeNodes() {
        GraphBuilder b = new GraphBuilder();
        Value x = b.parameter(f32(2));
        b.add1(new UnaryOp(UnaryOp.Kind.NEG), x);
        assertThrows(IllegalStateException.class, () -> b.parameter(f32(2)));
    }

    @Test
    void graphCopiesItsLists() {
        List<Value> params = new ArrayList<>(List.of(new Value(0, f32(2))));
        Graph g = new Graph(params, List.of(), params);
        params.add(new Value(1, f32(3)));
        assertEquals(1, g.parameters().size());
        assertThrows(UnsupportedOperationException.class, () -> g.nodes().add(null));
    }

    @Test
    void usersAndProducersIndexTheGraph() {
        Graph g = search(10);
        Map<Value, Node> producers = g.producers();
        Node dot = g.nodes().get(0);
        Node top = g.nodes().get(1);
        assertEquals(dot, producers.get(dot.output()));
        assertEquals(top, producers.get(g.results().get(1)));
        assertTrue(!producers.containsKey(g.parameters().get(0)));
        Map<Value, List<Node>> users = g.users();
        assertEquals(List.of(dot), users.get(g.parameters().get(0)));
        assertEquals(List.of(top), users.get(dot.output()));
        assertEquals(java.util.Collections.singletonList(null), users.get(g.results().get(0)), "a result is used by null");
    }

    @Test
    void tensorTypesPrintLikeJax() {
        assertEquals("f32[200,128]", f32(200, 128).toString());
        assertEquals("bf16[]", TensorType.of(DType.BF16).toString());
        assertThrows(IllegalArgumentException.class, () -> f32(2, -1));
    }

    @Test
    void dimsCompareByValue() {
        assertEquals(Dims.of(1, 2), Dims.of(new int[] {1, 2}));
        assertEquals(Dims.of(), Dims.empty());
        assertEquals(Dims.of(0, 1, 2), Dims.range(3));
        int[] source = {3, 4};
        Dims d = Dims.of(source);
        source[0] = 9;
        assertEquals(3, d.get(0), "Dims copies its input");
        assertEquals(12, d.product());
    }
}
