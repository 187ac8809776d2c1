package io.ann4j.conformance;

import io.ann4j.dsl.*;

import static io.ann4j.dsl.Ops.add;
import static io.ann4j.dsl.Ops.approxMaxK;
import static io.ann4j.dsl.Ops.approxMinK;
import static io.ann4j.dsl.Ops.concatenate;
import static io.ann4j.dsl.Ops.dot;
import static io.ann4j.dsl.Ops.gatherRows;
import static io.ann4j.dsl.Ops.mul;
import static io.ann4j.dsl.Ops.neg;
import static io.ann4j.dsl.Ops.sortKeyVal;
import static io.ann4j.dsl.Ops.sub;
import static io.ann4j.dsl.Ops.topK;
import static io.ann4j.dsl.Ops.transpose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ann4j.conformance.Conformance.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Misuse is an {@link IllegalArgumentException} at trace time (before anything runs) whose
 * message names the op and the shapes involved; and a call never modifies its inputs.
 */
class ErrorsTest {

    static Stream<Target> backends() {
        return Conformance.backendStream();
    }

    static Stream<Target> targets() {
        return Conformance.targetStream();
    }

    private static final float[][] X48 = new float[4][8];

    /** Calls a one-argument function on {@code arg} and returns the error, checking its message. */
    private static IllegalArgumentException traceError(Target t, Function<Tensor, Object> f, Object arg,
                                                       String... fragments) {
        Jitted<Object> jitted = Jit.jit(f, t.config());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> jitted.call(arg));
        assertMessage(e, fragments);
        return e;
    }

    private static IllegalArgumentException traceError2(Target t, BiFunction<Tensor, Tensor, Object> f, Object a,
                                                        Object b, String... fragments) {
        Jitted<Object> jitted = Jit.jit(f, t.config());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> jitted.call(a, b));
        assertMessage(e, fragments);
        return e;
    }

    private static void assertMessage(Throwable e, String... fragments) {
        String m = e.getMessage();
        for (String f : fragments) {
            assertTrue(m != null && m.contains(f), "message should contain '" + f + "': " + m);
        }
    }

    // ---- approxMaxK / approxMinK arguments ----

    static Stream<Arguments> badTopKOptions() {
        List<Arguments> out = new ArrayList<>();
        for (Target t : Conformance.backends()) {
            out.add(Arguments.of(t, "k = 0", ApproxTopKOptions.k(0), "k"));
            out.add(Arguments.of(t, "k = -1", ApproxTopKOptions.k(-1), "k"));
            out.add(Arguments.of(t, "k > size", ApproxTopKOptions.k(9), "k"));
            out.add(Arguments.of(t, "reductionDimension 2", ApproxTopKOptions.k(2).reductionDimension(2), "reductionDimension"));
            out.add(Arguments.of(t, "reductionDimension -3", ApproxTopKOptions.k(2).reductionDimension(-3), "reductionDimension"));
            out.add(Arguments.of(t, "k > size along dimension 0", ApproxTopKOptions.k(5).reductionDimension(0), "k"));
        }
        return out.stream();
    }

    /**
     * The recall target and the override are refused where XLA refuses them: more than one result,
     * not aggregated, over more than one 128-wide tile (elsewhere XLA returns before reading them,
     * and JAX accepts the call: see JaxAnnPortTest).
     */
    static Stream<Arguments> badRecallOrOverride() {
        List<Arguments> out = new ArrayList<>();
        for (Target t : Conformance.backends()) {
            for (double r : new double[] {0, 1.5, -0.5, Double.POSITIVE_INFINITY}) {
                out.add(Arguments.of(t, "recall " + r, ApproxTopKOptions.k(2).recallTarget(r).aggregateToTopk(false),
                        "recall_target should range in (0,1]"));
            }
            out.add(Arguments.of(t, "override < dimension", ApproxTopKOptions.k(2).reductionInputSizeOverride(150).aggregateToTopk(false),
                    "reduction_input_size_override: 150 should be greater equals to operands[reduction_dim]: 200"));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "[{0}] {1}")
    @MethodSource("badRecallOrOverride")
    void recallAndOverrideAreRefusedWhereXlaRefusesThem(Target t, String name, ApproxTopKOptions options, String about) {
        for (boolean max : new boolean[] {true, false}) {
            String op = max ? "approxMaxK" : "approxMinK";
            traceError(t, x -> max ? approxMaxK(x, options) : approxMinK(x, options), new float[4][200], op, "f32[4,200]", about);
        }
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("backends")
    void kBeyondTheDimensionSaysAtMost(Target t) {
        traceError(t, x -> approxMaxK(x, 9), X48, "approxMaxK", "k must be at most the size of reduction_dim 8, got 9");
    }

    @ParameterizedTest(name = "[{0}] {1}")
    @MethodSource("badTopKOptions")
    void invalidApproxTopKArguments(Target t, String name, ApproxTopKOptions options, String about) {
        for (boolean max : new boolean[] {true, false}) {
            String op = max ? "approxMaxK" : "approxMinK";
            traceError(t, x -> max ? approxMaxK(x, options) : approxMinK(x, options), X48, op, "f32[4,8]", about);
        }
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("backends")
    void invalidTopK(Target t) {
        traceError(t, x -> topK(x, 0), X48, "topK", "f32[4,8]");
        traceError(t, x -> topK(x, 9), X48, "topK", "f32[4,8]");
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("backends")
    void nonFloatingOperand(Target t) {
        INDArray ints = Nd4j.zeros(DataType.INT, 4, 8);
        traceError(t, x -> approxMaxK(x, 2), ints, "approxMaxK", "i32[4,8]", "floating");
        traceError(t, x -> approxMinK(x, 2), ints, "approxMinK", "i32[4,8]", "floating");
    }

    // ---- dot ----

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("backends")
    void mismatchedDotShapes(Target t) {
        traceError2(t, (a, b) -> dot(a, b), new float[4][8], new float[7][6], "dot", "f32[4,8]", "f32[7,6]");
        traceError2(t, (a, b) -> approxMaxK(dot(a, transpose(b)), 3), new float[4][8], new float[20][6],
                "dot", "f32[4,8]", "f32[6,20]", "the rhs f32[6,20] is the transpose of your f32[20,6]");
        // eagerly too, and with the transpose on the left
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> dot(transpose(Tensor.of(new float[8][4])), Tensor.of(new float[7][6])));
        assertMessage(e, "dot", "the lhs f32[4,8] is the transpose of your f32[8,4]");
        traceError2(t, (a, b) -> Ops.dotGeneral(a, b, new int[] {1}, new int[] {1}, new int[] {0}, new int[] {0}),
                Nd4j.zeros(DataType.FLOAT, 2, 3, 4), Nd4j.zeros(DataType.FLOAT, 5, 3, 4), "dot", "f32[2,3,4]", "f32[5,3,4]");
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("backends")
    void dotOfRank3(Target t) {
        traceError2(t, (a, b) -> dot(a, b), Nd4j.zeros(DataType.FLOAT, 2, 3, 4), new float[4][5],
                "dot", "f32[2,3,4]", "f32[4,5]");
    }

    // ---- inputs ----

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("backends")
    void unsupportedInputDtype(Target t) {
        INDArray longs = Nd4j.zeros(DataType.LONG, 4, 8);
        Jitted<TopK> f = Jit.jit((Tensor x) -> approxMaxK(x, 2), t.config());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.call(longs));
        assertMessage(e, "LONG");
        assertEquals(0, f.traceCount(), "nothing is traced for a rejected input");
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(longs));
        IllegalArgumentException wrongKind = assertThrows(IllegalArgumentException.class, () -> f.call("not an array"));
        assertMessage(wrongKind, "argument 0", "String");
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("backends")
    void nullArguments(Target t) {
        Jitted<Tensor> f = Jit.jit((Tensor a, Tensor b) -> dot(a, b), t.config());
        assertMessage(assertThrows(IllegalArgumentException.class, () -> f.call(new float[2][2], null)), "argument 1", "null");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> f.call(null, new float[2][2])), "argument 0", "null");
        assertThrows(IllegalArgumentException.class, () -> f.call((Object[]) null));
        assertThrows(IllegalArgumentException.class, () -> Tensor.of((float[][]) null));
        assertThrows(IllegalArgumentException.class, () -> Tensor.of((INDArray) null));
        assertThrows(IllegalArgumentException.class, () -> Tensor.of((float[]) null, 2));
    }

    /** An op given a null operand: an {@link IllegalArgumentException} naming the op, traced or eager. */
    static Stream<Arguments> nullOperands() {
        List<Arguments> out = new ArrayList<>();
        for (Target t : Conformance.backends()) {
            out.add(Arguments.of(t, "approxMaxK", (Function<Tensor, Object>) x -> approxMaxK(null, 2)));
            out.add(Arguments.of(t, "approxMinK", (Function<Tensor, Object>) x -> approxMinK(null, 2)));
            out.add(Arguments.of(t, "topK", (Function<Tensor, Object>) x -> topK(null, 2)));
            out.add(Arguments.of(t, "neg", (Function<Tensor, Object>) x -> neg(null)));
            out.add(Arguments.of(t, "transpose", (Function<Tensor, Object>) x -> Ops.transpose(null, 1, 0)));
            out.add(Arguments.of(t, "concatenate", (Function<Tensor, Object>) x -> concatenate(0, x, null)));
            out.add(Arguments.of(t, "gatherRows", (Function<Tensor, Object>) x -> gatherRows(x, null)));
            out.add(Arguments.of(t, "dot", (Function<Tensor, Object>) x -> dot(x, null)));
            out.add(Arguments.of(t, "add", (Function<Tensor, Object>) x -> add(x, null)));
            out.add(Arguments.of(t, "sub", (Function<Tensor, Object>) x -> sub(null, x)));
            out.add(Arguments.of(t, "sortKeyVal", (Function<Tensor, Object>) x -> sortKeyVal(null, x, 0)));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "[{0}] {1}")
    @MethodSource("nullOperands")
    void nullOperand(Target t, String op, Function<Tensor, Object> f) {
        traceError(t, f, X48, op, "null");
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("backends")
    void raggedAndNullRows(Target t) {
        Jitted<TopK> f = Jit.jit((Tensor x) -> approxMaxK(x, 1), t.config());
        float[][] ragged = {{1, 2, 3}, {4, 5}};
        assertMessage(assertThrows(IllegalArgumentException.class, () -> f.call((Object) ragged)), "ragged", "3", "2");
        float[][] nullRow = {{1, 2}, null};
        assertMessage(assertThrows(IllegalArgumentException.class, () -> f.call((Object) nullRow)), "row 1", "null");
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(ragged));
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(nullRow));
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[] {1, 2, 3}, 2, 2));
        assertEquals(0, f.traceCount());
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("backends")
    void wrongNumberOfArguments(Target t) {
        Jitted<Tensor> f = Jit.jit((Tensor a, Tensor b) -> dot(a, b), t.config());
        assertMessage(assertThrows(IllegalArgumentException.class, () -> f.call((Object) new float[2][2])), "2", "1");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> f.call(new float[2][2], new float[2][2], new float[2][2])), "2", "3");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> f.call()), "2", "0");
        Jitted<TopK> g = Jit.jit((Tensor x) -> approxMaxK(x, 1), t.config());
        assertThrows(IllegalArgumentException.class, () -> g.call(new float[1][2], new float[1][2]));
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("backends")
    void binaryOpDtypeMismatch(Target t) {
        traceError2(t, (a, b) -> add(a, b), Nd4j.zeros(DataType.FLOAT, 2, 3), Nd4j.zeros(DataType.DOUBLE, 2, 3),
                "add", "f32[2,3]", "f64[2,3]");
        traceError2(t, (a, b) -> mul(a, b), Nd4j.zeros(DataType.FLOAT, 2, 3), Nd4j.zeros(DataType.INT, 2, 3),
                "mul", "f32[2,3]", "i32[2,3]");
        // (a dot of two floating dtypes computes in the promoted type; an integer operand is an error)
        traceError2(t, (a, b) -> dot(a, b), Nd4j.zeros(DataType.FLOAT, 2, 3), Nd4j.zeros(DataType.INT, 3, 2),
                "dot", "i32[3,2]");
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("backends")
    void broadcastingMismatch(Target t) {
        traceError2(t, (a, b) -> add(a, b), new float[2][3], new float[] {1, 2, 3, 4}, "add", "f32[2,3]", "f32[4]");
        traceError2(t, (a, b) -> sub(a, b), new float[2][3], new float[3][3], "sub", "f32[2,3]", "f32[3,3]");
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("backends")
    void vmapInconsistentBatchSizes(Target t) {
        BiFunction<Tensor, Tensor, TopK> batched = Vmap.vmap((q, d) -> approxMaxK(dot(q, transpose(d)), 2), 0, 0);
        traceError2(t, (a, b) -> batched.apply(a, b), Nd4j.zeros(DataType.FLOAT, 4, 3, 8),
                Nd4j.zeros(DataType.FLOAT, 5, 10, 8), "vmap", "f32[5,10,8]", "5", "4");
        BiFunction<Tensor, Tensor, TopK> badAxis = Vmap.vmap((q, d) -> approxMaxK(dot(q, transpose(d)), 2), 3, 0);
        traceError2(t, (a, b) -> badAxis.apply(a, b), Nd4j.zeros(DataType.FLOAT, 4, 3, 8),
                Nd4j.zeros(DataType.FLOAT, 4, 10, 8), "vmap", "f32[4,3,8]");
    }

    // ---- inputs are left alone ----

    static Stream<Arguments> inputCases() {
        List<Arguments> out = new ArrayList<>();
        for (Target t : Conformance.targets()) {
            for (DataType dt : Conformance.floating(t)) {
                out.add(Arguments.of(t, dt));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "[{0}] {1}")
    @MethodSource("inputCases")
    void inputsAreNotModified(Target t, DataType dtype) {
        Random rnd = new Random(99);
        INDArray qy = Conformance.gaussian(rnd, 3, dtype, 16, 24);
        INDArray db = Conformance.gaussian(rnd, 3, dtype, 1500, 24);
        // A view that is not in c order, too.
        INDArray dbT = Conformance.gaussian(rnd, 3, dtype, 24, 1500).transpose();
        INDArray qyCopy = qy.dup();
        INDArray dbCopy = db.dup();
        INDArray dbTCopy = dbT.dup();
        float[][] rows = new float[16][24];
        for (float[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                r[i] = (float) rnd.nextGaussian();
            }
        }
        float[][] rowsCopy = new float[16][];
        for (int i = 0; i < rows.length; i++) {
            rowsCopy[i] = rows[i].clone();
        }
        for (JitConfig config : List.of(t.config(), t.unfused())) {
            BiFunction<Tensor, Tensor, Object> search = (a, b) -> {
                Tensor scores = dot(a, transpose(b));
                return List.of(approxMaxK(scores, 10), approxMinK(neg(scores), 10),
                        approxMaxK(a, ApproxTopKOptions.k(3).aggregateToTopk(false)), sortKeyVal(a, a, 1).keys());
            };
            Jit.jit(search, config).call(qy, db);
            Jit.jit(search, config).call(qy, dbT);
            if (dtype == DataType.FLOAT) {
                Jit.jit(search, config).call(rows, db);
            }
        }
        assertArrayEquals(Conformance.doubles(qyCopy), Conformance.doubles(qy), "qy was modified");
        assertArrayEquals(Conformance.doubles(dbCopy), Conformance.doubles(db), "db was modified");
        assertArrayEquals(Conformance.doubles(dbTCopy), Conformance.doubles(dbT), "the transposed view was modified");
        assertEquals(dtype, qy.dataType());
        for (int i = 0; i < rows.length; i++) {
            assertArrayEquals(rowsCopy[i], rows[i], "float[][] row " + i + " was modified");
        }
    }
}
