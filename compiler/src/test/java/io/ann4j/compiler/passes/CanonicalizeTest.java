package io.ann4j.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import io.ann4j.compiler.ops.DotGeneral;
import io.ann4j.compiler.ops.Op;
import io.ann4j.compiler.ops.Transpose;
import io.ann4j.compiler.ops.UnaryOp;
import io.ann4j.compiler.testing.ReferenceInterpreter;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Canonicalisation drops identity transposes and folds a transpose into the dot reading it when
 * that keeps the dot's free dimensions in order; the result types and values never change.
 */
class CanonicalizeTest {

    static TensorType f32(int... shape) {
        return TensorType.of(DType.F32, shape);
    }

    static long count(Graph g, Class<? extends Op> type) {
        return g.nodes().stream().filter(n -> type.isInstance(n.op())).count();
    }

    static List<DotGeneral> dots(Graph g) {
        return g.nodes().stream().map(Node::op).filter(DotGeneral.class::isInstance).map(DotGeneral.class::cast).toList();
    }

    /** Asserts both graphs return the same types and the same values on random inputs. */
    static void assertSameFunction(Graph before, Graph after) {
        assertEquals(before.parameterTypes(), after.parameterTypes());
        assertEquals(before.resultTypes(), after.resultTypes());
        for (long seed = 0; seed < 3; seed++) {
            var args = ReferenceInterpreter.randomArguments(before, seed);
            assertEquals(ReferenceInterpreter.run(before, args), ReferenceInterpreter.run(after, args),
                    () -> "before:\n" + before + "\nafter:\n" + after);
        }
    }

    @Test
    void dotOfQueriesWithTransposedDatabaseContractsBothDimensionOne() {
        GraphBuilder b = new GraphBuilder();
        Value qy = b.parameter(f32(6, 5));
        Value db = b.parameter(f32(9, 5));
        Value dbT = b.add1(new Transpose(Dims.of(1, 0)), db);
        Value scores = b.add1(DotGeneral.dot(2), qy, dbT);
        Graph g = b.build(List.of(scores));

        Graph c = Canonicalize.run(g);

        assertEquals(0, count(c, Transpose.class), c::toString);
        assertEquals(1, c.nodes().size(), c::toString);
        DotGeneral dot = dots(c).get(0);
        assertEquals(Dims.of(1), dot.lhsContracting());
        assertEquals(Dims.of(1), dot.rhsContracting());
        assertEquals(Dims.empty(), dot.lhsBatch());
        assertEquals(Dims.empty(), dot.rhsBatch());
        Node node = c.nodes().get(0);
        assertEquals(List.of(c.parameters().get(0), c.parameters().get(1)), node.inputs(), "the dot reads db itself");
        assertEquals(List.of(f32(6, 9)), c.resultTypes());
        assertSameFunction(g, c);
    }

    @Test
    void transposedQueriesFoldIntoTheLhs() {
        GraphBuilder b = new GraphBuilder();
        Value qyT = b.parameter(f32(5, 6));
        Value db = b.parameter(f32(5, 9));
        Value qy = b.add1(new Transpose(Dims.of(1, 0)), qyT);
        Graph g = b.build(List.of(b.add1(DotGeneral.dot(2), qy, db)));

        Graph c = Canonicalize.run(g);

        assertEquals(0, count(c, Transpose.class), c::toString);
        DotGeneral dot = dots(c).get(0);
        assertEquals(Dims.of(0), dot.lhsContracting());
        assertEquals(Dims.of(0), dot.rhsContracting());
        assertSameFunction(g, c);
    }

    @Test
    void identityTransposesVanish() {
        GraphBuilder b = new GraphBuilder();
        Value x = b.parameter(f32(2, 3, 4));
        Value t = b.add1(new Transpose(Dims.of(0, 1, 2)), x);
        Value n = b.add1(new UnaryOp(UnaryOp.Kind.NEG), t);
        Value t2 = b.add1(new Transpose(Dims.of(0, 1, 2)), n);
        Graph g = b.build(List.of(t2));

        Graph c = Canonicalize.run(g);

        assertEquals(0, count(c, Transpose.class), c::toString);
        assertEquals(1, c.nodes().size());
        assertEquals(g.resultTypes(), c.resultTypes());
        assertSameFunction(g, c);
    }

    @Test
    void aGraphReturningAParameterThroughAnIdentityTransposeReturnsTheParameter() {
        GraphBuilder b = new GraphBuilder();
        Value x = b.parameter(f32(2, 3));
        Graph g = b.build(List.of(b.add1(new Transpose(Dims.of(0, 1)), x)));

        Graph c = Canonicalize.run(g);

        assertTrue(c.nodes().isEmpty(), c::toString);
        assertEquals(c.parameters(), c.results());
    }

    @Test
    void transposeWhoseFoldWouldReorderFreeDimensionsIsKept() {
        // x[2,3,4] -> [3,2,4]; the dot contracts the last axis, so the free axes (3 then 2) would
        // come out as (2 then 3) if folded: the transpose must stay.
        GraphBuilder b = new GraphBuilder();
        Value x = b.parameter(f32(2, 3, 4));
        Value y = b.parameter(f32(4, 5));
        Value xt = b.add1(new Transpose(Dims.of(1, 0, 2)), x);
        Value out = b.add1(DotGeneral.dot(3), xt, y);
        Graph g = b.build(List.of(out));

        Graph c = Canonicalize.run(g);

        assertEquals(1, count(c, Transpose.class), c::toString);
        assertEquals(DotGeneral.dot(3), dots(c).get(0));
        assertEquals(List.of(f32(3, 2, 5)), c.resultTypes());
        assertSameFunction(g, c);
    }

    @Test
    void rankThreeTransposeThatKeepsFreeOrderFolds() {
        // x[2,3,4] -> [4,2,3], contracting its axis 0 (x's axis 2): free axes 2,3 keep their order.
        GraphBuilder b = new GraphBuilder();
        Value x = b.parameter(f32(2, 3, 4));
        Value y = b.parameter(f32(4, 5));
        Value xt = b.add1(new Transpose(Dims.of(2, 0, 1)), x);
        DotGeneral d = new DotGeneral(Dims.of(0), Dims.of(0), Dims.empty(), Dims.empty());
        Graph g = b.build(List.of(b.add1(d, xt, y)));

        Graph c = Canonicalize.run(g);

        assertEquals(0, count(c, Transpose.class), c::toString);
        assertEquals(Dims.of(2), dots(c).get(0).lhsContracting());
        assertSameFunction(g, c);
    }

    @Test
    void transposeWithAnotherReaderIsFoldedButKeptForThatReader() {
        GraphBuilder b = new GraphBuilder();
        Value qy = b.parameter(f32(6, 5));
        Value db = b.parameter(f32(9, 5));
        Value dbT = b.add1(new Transpose(Dims.of(1, 0)), db);
        Value scores = b.add1(DotGeneral.dot(2), qy, dbT);
        Graph g = b.build(List.of(scores, dbT));

        Graph c = Canonicalize.run(g);

        assertEquals(1, count(c, Transpose.class), c::toString);
        assertEquals(Dims.of(1), dots(c).get(0).rhsContracting());
        assertSameFunction(g, c);
    }

    @Test
    void graphsWithNothingToDoComeBackUnchanged() {
        GraphBuilder b = new GraphBuilder();
        Value qy = b.parameter(f32(6, 5));
        Value db = b.parameter(f32(5, 300));
        Value s = b.add1(DotGeneral.dot(2), qy, db);
        List<Value> top = b.add(new ApproxTopK(ApproxTopKParams.defaults(3, true)), List.of(s));
        Graph g = b.build(top);

        Graph c = Canonicalize.run(g);

        assertEquals(g.toString(), c.toString());
        assertEquals(c.toString(), Canonicalize.run(c).toString(), "canonicalisation is idempotent");
    }

    @Provide
    Arbitrary<List<Integer>> permutations3() {
        return Arbitraries.shuffle(List.of(0, 1, 2));
    }

    /** Any transpose of either operand, any contracted axis: canonicalisation preserves the function. */
    @Property(tries = 60)
    void foldingPreservesTheFunction(@ForAll("permutations3") List<Integer> lhsPerm,
                                     @ForAll("permutations3") List<Integer> rhsPerm,
                                     @ForAll @IntRange(min = 0, max = 2) int lhsAxis,
                                     @ForAll @IntRange(min = 0, max = 2) int rhsAxis,
                                     @ForAll boolean batched) {
        int[] lhsShape = {2, 3, 4};
        int[] lhsPermuted = permute(lhsShape, lhsPerm);
        // The rhs (after its transpose) has the lhs's contracted size at rhsAxis, and for a batched
        // dot the lhs's batch size at the next axis.
        int lhsBatchAxis = (lhsAxis + 1) % 3;
        int rhsBatchAxis = (rhsAxis + 1) % 3;
        int[] rhsPermuted = {5, 5, 5};
        rhsPermuted[rhsAxis] = lhsPermuted[lhsAxis];
        if (batched) {
            rhsPermuted[rhsBatchAxis] = lhsPermuted[lhsBatchAxis];
        }
        int[] rhsShape = inversePermute(rhsPermuted, rhsPerm);

        GraphBuilder b = new GraphBuilder();
        Value x = b.parameter(f32(lhsShape));
        Value y = b.parameter(f32(rhsShape));
        Value xt = b.add1(new Transpose(Dims.of(lhsPerm.stream().mapToInt(Integer::intValue).toArray())), x);
        Value yt = b.add1(new Transpose(Dims.of(rhsPerm.stream().mapToInt(Integer::intValue).toArray())), y);
        DotGeneral d = batched
                ? new DotGeneral(Dims.of(lhsAxis), Dims.of(rhsAxis), Dims.of(lhsBatchAxis), Dims.of(rhsBatchAxis))
                : new DotGeneral(Dims.of(lhsAxis), Dims.of(rhsAxis), Dims.empty(), Dims.empty());
        Graph g = b.build(List.of(b.add1(d, xt, yt)));

        Graph c = Canonicalize.run(g);

        assertTrue(c.nodes().size() <= g.nodes().size());
        assertSameFunction(g, c);
    }

    private static int[] permute(int[] shape, List<Integer> perm) {
        int[] out = new int[shape.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = shape[perm.get(i)];
        }
        return out;
    }

    private static int[] inversePermute(int[] permuted, List<Integer> perm) {
        int[] out = new int[permuted.length];
        for (int i = 0; i < out.length; i++) {
            out[perm.get(i)] = permuted[i];
        }
        return out;
    }
}
