package io.ann4j.conformance;

import io.ann4j.dsl.*;

import static io.ann4j.dsl.Ops.abs;
import static io.ann4j.dsl.Ops.add;
import static io.ann4j.dsl.Ops.approxMaxK;
import static io.ann4j.dsl.Ops.approxMinK;
import static io.ann4j.dsl.Ops.broadcastInDim;
import static io.ann4j.dsl.Ops.collapse;
import static io.ann4j.dsl.Ops.concatenate;
import static io.ann4j.dsl.Ops.constant;
import static io.ann4j.dsl.Ops.convert;
import static io.ann4j.dsl.Ops.div;
import static io.ann4j.dsl.Ops.dot;
import static io.ann4j.dsl.Ops.dotGeneral;
import static io.ann4j.dsl.Ops.gatherRows;
import static io.ann4j.dsl.Ops.iota;
import static io.ann4j.dsl.Ops.maximum;
import static io.ann4j.dsl.Ops.minimum;
import static io.ann4j.dsl.Ops.mul;
import static io.ann4j.dsl.Ops.neg;
import static io.ann4j.dsl.Ops.reduceMax;
import static io.ann4j.dsl.Ops.reshape;
import static io.ann4j.dsl.Ops.slice;
import static io.ann4j.dsl.Ops.sliceInDim;
import static io.ann4j.dsl.Ops.sortKeyVal;
import static io.ann4j.dsl.Ops.sqrt;
import static io.ann4j.dsl.Ops.square;
import static io.ann4j.dsl.Ops.sub;
import static io.ann4j.dsl.Ops.sum;
import static io.ann4j.dsl.Ops.topK;
import static io.ann4j.dsl.Ops.transpose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ann4j.compiler.ir.DType;
import io.ann4j.conformance.Conformance.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Small hand-checked examples of every op, and the order of NaN, infinities, signed zeros and
 * ties that the semantics file specifies for the top-k ops and {@code sortKeyVal}.
 */
class OpsSemanticsTest {

    static Stream<Target> backends() {
        return Conformance.backendStream();
    }

    static Stream<Target> targets() {
        return Conformance.targetStream();
    }

    @SuppressWarnings("unchecked")
    private static <R> R run(Target t, Function<Tensor[], R> f, Object... args) {
        return Conformance.run(t.config(), f, args);
    }

    private static INDArray f32(float[] data, int... shape) {
        return Conformance.fromFloats(data, DataType.FLOAT, shape);
    }

    private static INDArray i32(int[] data, int... shape) {
        return Conformance.fromInts(data, shape);
    }

    /** 0, 1, ..., n-1 as f32 of the given shape. */
    private static INDArray range(int... shape) {
        int n = IntStream.of(shape).reduce(1, (a, b) -> a * b);
        float[] d = new float[n];
        for (int i = 0; i < n; i++) {
            d[i] = i;
        }
        return f32(d, shape);
    }

    private static void assertValues(double[] expected, Tensor actual, int... shape) {
        assertArrayEquals(shape, actual.shape(), "shape");
        assertArrayEquals(expected, Conformance.doubles(actual), 1e-6, "values");
    }

    // ---- products ----

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("backends")
    void dotGeneralWithBatchDims(Target t) {
        INDArray a = f32(new float[] {1, 2, 3, 4, 5, 6, 1, 0, 0, 0, 1, 0}, 2, 2, 3);
        INDArray b = f32(new float[] {1, 1, 1, 2, 3, 4}, 2, 3, 1);
        Tensor r = run(t, x -> dotGeneral(x[0], x[1], new int[] {2}, new int[] {1}, new int[] {0}, new int[] {0}), a, b);
        assertValues(new double[] {6, 15, 2, 3}, r, 2, 2, 1);

        // Batch dims not in front: a [3, 2(batch)], b [2(batch), 3]: out[b] = a[:, b] . b[b, :]
        INDArray c = f32(new float[] {1, 4, 2, 5, 3, 6}, 3, 2);
        INDArray d = f32(new float[] {1, 0, 1, 2, 2, 2}, 2, 3);
        Tensor s = run(t, x -> dotGeneral(x[0], x[1], new int[] {0}, new int[] {1}, new int[] {1}, new int[] {0}), c, d);
        assertValues(new double[] {1 + 3, 8 + 10 + 12}, s, 2);
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("backends")
    void dotGeneralAndDot(Target t) {
        INDArray a = f32(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        INDArray b = f32(new float[] {1, 0, 0, 1, 1, 1}, 3, 2);
        Tensor atb = run(t, x -> dotGeneral(x[0], x[1], new int[] {0}, new int[] {0}), a, b);
        assertValues(new double[] {6, 8, 8, 10}, atb, 2, 2);
        Tensor abt = run(t, x -> dotGeneral(x[0], x[1], new int[] {1}, new int[] {1}), a, b);
        assertValues(new double[] {1, 2, 3, 3, 4, 7, 5, 6, 11}, abt, 3, 3);

        Tensor vv = run(t, x -> dot(x[0], x[1]), new float[] {1, 2, 3}, new float[] {4, 5, 6});
        assertValues(new double[] {32}, vv);
        Tensor vm = run(t, x -> dot(x[0], x[1]), new float[] {1, 1, 1}, a);
        assertValues(new double[] {9, 12}, vm, 2);
        Tensor mm = run(t, x -> dot(x[0], transpose(x[1])), a, b);
        assertValues(new double[] {1, 2, 3, 3, 4, 7, 5, 6, 11}, mm, 3, 3);

        // f64 and the half types (accumulated in at least f32, rounded once).
        for (DataType dt : List.of(DataType.DOUBLE, DataType.HALF, DataType.BFLOAT16)) {
            Tensor h = run(t, x -> dot(x[0], transpose(x[1])), a.castTo(dt), b.castTo(dt));
            assertEquals(Conformance.dataType(h.dtype()), dt);
            assertValues(new double[] {1, 2, 3, 3, 4, 7, 5, 6, 11}, h, 3, 3);
        }
    }

    // ---- layout ----

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("backends")
    void transposeWithPermutation(Target t) {
        Tensor r = run(t, x -> transpose(x[0], 2, 0, 1), range(2, 3, 4));
        double[] expected = new double[24];
        int p = 0;
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 2; j++) {
                for (int k = 0; k < 3; k++) {
                    expected[p++] = j * 12 + k * 4 + i;  // out[i][j][k] = x[j][k][i]
                }
            }
        }
        assertValues(expected, r, 4, 2, 3);
        Tensor m = run(t, x -> transpose(x[0]), range(2, 3));
        assertValues(new double[] {0, 3, 1, 4, 2, 5}, m, 3, 2);
        Tensor id = run(t, x -> transpose(x[0], 0, 1), range(2, 3));
        assertValues(new double[] {0, 1, 2, 3, 4, 5}, id, 2, 3);
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("backends")
    void reshapeAndCollapse(Target t) {
        double[] seq = IntStream.range(0, 24).asDoubleStream().toArray();
        assertValues(seq, run(t, x -> reshape(x[0], 4, 6), range(2, 3, 4)), 4, 6);
        assertValues(seq, run(t, x -> reshape(x[0], 24), range(2, 3, 4)), 24);
        assertValues(seq, run(t, x -> collapse(x[0], 1, 3), range(2, 3, 4)), 2, 12);
        assertValues(seq, run(t, x -> collapse(x[0], 0, 2), range(2, 3, 4)), 6, 4);
        // Reshape after a transpose reads the transposed (row-major) order.
        assertValues(new double[] {0, 3, 1, 4, 2, 5}, run(t, x -> reshape(transpose(x[0]), 6), range(2, 3)), 6);
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("backends")
    void broadcastInDimCases(Target t) {
        assertValues(new double[] {1, 2, 3, 1, 2, 3},
                run(t, x -> broadcastInDim(x[0], new int[] {2, 3}, new int[] {1}), new float[] {1, 2, 3}), 2, 3);
        assertValues(new double[] {1, 1, 1, 2, 2, 2},
                run(t, x -> broadcastInDim(x[0], new int[] {2, 3}, new int[] {0}), new float[] {1, 2}), 2, 3);
        assertValues(new double[] {7, 7, 7, 8, 8, 8},
                run(t, x -> broadcastInDim(x[0], new int[] {2, 3}, new int[] {0, 1}), f32(new float[] {7, 8}, 2, 1)), 2, 3);
        assertValues(new double[] {5, 5, 5, 5},
                run(t, x -> broadcastInDim(constant(5, DType.F32), new int[] {2, 2}, new int[0]), new float[] {0}), 2, 2);
        // [2] into [2, 3, 2] along the last dimension.
        assertValues(new double[] {1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2},
                run(t, x -> broadcastInDim(x[0], new int[] {2, 3, 2}, new int[] {2}), new float[] {1, 2}), 2, 3, 2);
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("backends")
    void concatenateCases(Target t) {
        INDArray a = range(2, 2);
        INDArray b = f32(new float[] {10, 11, 12, 13, 14, 15}, 3, 2);
        assertValues(new double[] {0, 1, 2, 3, 10, 11, 12, 13, 14, 15}, run(t, x -> concatenate(0, x[0], x[1]), a, b), 5, 2);
        INDArray c = f32(new float[] {10, 11, 12, 13, 14, 15}, 2, 3);
        assertValues(new double[] {0, 1, 10, 11, 12, 2, 3, 13, 14, 15}, run(t, x -> concatenate(1, x[0], x[1]), a, c), 2, 5);
        INDArray ints = i32(new int[] {7, 8}, 2);
        Tensor r = run(t, x -> concatenate(0, x[0], x[0], x[1]), ints, i32(new int[] {9}, 1));
        assertEquals(DType.I32, r.dtype());
        assertArrayEquals(new int[] {7, 8, 7, 8, 9}, Conformance.ints(r));
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("backends")
    void sliceWithStrides(Target t) {
        INDArray x = range(4, 5);
        assertValues(new double[] {5, 7, 9, 15, 17, 19},
                run(t, a -> slice(a[0], new int[] {1, 0}, new int[] {4, 5}, new int[] {2, 2}), x), 2, 3);
        assertValues(new double[] {6, 7, 11, 12},
                run(t, a -> slice(a[0], new int[] {1, 1}, new int[] {3, 3}, new int[] {1, 1}), x), 2, 2);
        assertValues(new double[] {1, 4, 6, 9, 11, 14, 16, 19}, run(t, a -> sliceInDim(a[0], 1, 5, 3, 1), x), 4, 2);
        assertValues(new double[] {10, 11, 12, 13, 14}, run(t, a -> sliceInDim(a[0], 2, 3, 0), x), 1, 5);
        assertValues(new double[] {3, 8, 13, 18}, run(t, a -> sliceInDim(a[0], 3, 4, -1), x), 4, 1);
        assertValues(new double[0], run(t, a -> sliceInDim(a[0], 2, 2, 0), x), 0, 5);
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("backends")
    void iotaCases(Target t) {
        Tensor v = run(t, a -> iota(5), new float[] {0});
        assertEquals(DType.I32, v.dtype());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, Conformance.ints(v));
        assertValues(new double[] {0, 1, 2, 0, 1, 2}, run(t, a -> iota(DType.F32, new int[] {2, 3}, 1), new float[] {0}), 2, 3);
        Tensor rows = run(t, a -> iota(DType.I32, new int[] {2, 3}, 0), new float[] {0});
        assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1}, Conformance.ints(rows));
        // Used with a traced input.
        assertValues(new double[] {10, 11, 12}, run(t, a -> add(a[0], iota(DType.F32, new int[] {3}, 0)),
                new float[] {10, 10, 10}), 3);
    }

    // ---- elementwise ----

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("backends")
    void binaryOpsWithBroadcastingAndScalars(Target t) {
        INDArray a = f32(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        float[] row = {10, 20, 30};
        assertValues(new double[] {11, 22, 33, 14, 25, 36}, run(t, x -> add(x[0], x[1]), a, row), 2, 3);
        assertValues(new double[] {11, 22, 33, 14, 25, 36}, run(t, x -> add(x[1], x[0]), a, row), 2, 3);
        assertValues(new double[] {-9, -18, -27, -6, -15, -24}, run(t, x -> sub(x[0], x[1]), a, row), 2, 3);
        assertValues(new double[] {9, 18, 27, 6, 15, 24}, run(t, x -> sub(x[1], x[0]), a, row), 2, 3);
        assertValues(new double[] {10, 40, 90, 40, 100, 180}, run(t, x -> mul(x[0], x[1]), a, row), 2, 3);
        assertValues(new double[] {0.1, 0.1, 0.1, 0.4, 0.25, 0.2}, run(t, x -> div(x[0], x[1]), a, row), 2, 3);
        float[] mid = {2, 2, 7};
        assertValues(new double[] {2, 2, 7, 4, 5, 7}, run(t, x -> maximum(x[0], x[1]), a, mid), 2, 3);
        assertValues(new double[] {1, 2, 3, 2, 2, 6}, run(t, x -> minimum(x[0], x[1]), a, mid), 2, 3);
        // [2,1] against [3]: both broadcast.
        INDArray col = f32(new float[] {1, 2}, 2, 1);
        assertValues(new double[] {11, 21, 31, 12, 22, 32}, run(t, x -> add(x[0], x[1]), col, row), 2, 3);
        // Scalars.
        assertValues(new double[] {2.5, 3.5, 4.5, 5.5, 6.5, 7.5}, run(t, x -> add(x[0], 1.5), a), 2, 3);
        assertValues(new double[] {0, 1, 2, 3, 4, 5}, run(t, x -> sub(x[0], 1), a), 2, 3);
        assertValues(new double[] {2, 4, 6, 8, 10, 12}, run(t, x -> mul(x[0], 2.0), a), 2, 3);
        assertValues(new double[] {0.5, 1, 1.5, 2, 2.5, 3}, run(t, x -> div(x[0], 2), a), 2, 3);
        assertValues(new double[] {3, 3, 3, 4, 5, 6}, run(t, x -> maximum(x[0], constant(3, DType.F32)), a), 2, 3);
        // Same shapes, f64 and i32.
        assertValues(new double[] {2, 4, 6, 8, 10, 12},
                run(t, x -> add(x[0], x[0]), a.castTo(DataType.DOUBLE)), 2, 3);
        Tensor ints = run(t, x -> mul(add(x[0], x[0]), x[0]), i32(new int[] {1, -2, 3}, 3));
        assertEquals(DType.I32, ints.dtype());
        assertArrayEquals(new int[] {2, 8, 18}, Conformance.ints(ints));
        Tensor ioff = run(t, x -> add(x[0], constant(100, DType.I32)), i32(new int[] {1, -2, 3}, 3));
        assertArrayEquals(new int[] {101, 98, 103}, Conformance.ints(ioff));
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("backends")
    void unaryOps(Target t) {
        float[] x = {4, -9, 0.25f, -0.0f, 0.0f};
        assertValues(new double[] {-4, 9, -0.25, 0, -0.0}, run(t, a -> neg(a[0]), x), 5);
        Tensor n = run(t, a -> neg(a[0]), x);
        int[] bits = Conformance.f32Bits(n.array());
        assertEquals(Float.floatToRawIntBits(0.0f), bits[3], "neg(-0.0) = +0.0");
        assertEquals(Float.floatToRawIntBits(-0.0f), bits[4], "neg(+0.0) = -0.0");
        assertValues(new double[] {16, 81, 0.0625, 0, 0}, run(t, a -> square(a[0]), x), 5);
        assertValues(new double[] {4, 9, 0.25, 0, 0}, run(t, a -> abs(a[0]), x), 5);
        assertEquals(Float.floatToRawIntBits(0.0f), Conformance.f32Bits(run(t, a -> abs(a[0]), x).array())[3],
                "abs(-0.0) = +0.0");
        assertValues(new double[] {2, 3, 0.5, 0, Math.sqrt(2)}, run(t, a -> sqrt(a[0]), new float[] {4, 9, 0.25f, 0, 2}), 5);
        Tensor root = run(t, a -> sqrt(a[0]), new float[] {-1});
        double[] negRoot = Conformance.doubles(root);
        assertTrue(Double.isNaN(negRoot[0]), "sqrt(-1) is NaN");
        Tensor iabs = run(t, a -> abs(neg(a[0])), i32(new int[] {3, -4}, 2));
        assertArrayEquals(new int[] {3, 4}, Conformance.ints(iabs));
    }

    // ---- reductions ----

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("backends")
    void sumAndReduceMax(Target t) {
        INDArray a = f32(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertValues(new double[] {21}, run(t, x -> sum(x[0]), a));
        assertValues(new double[] {5, 7, 9}, run(t, x -> sum(x[0], 0), a), 3);
        assertValues(new double[] {6, 15}, run(t, x -> sum(x[0], 1), a), 2);
        assertValues(new double[] {6, 15}, run(t, x -> sum(x[0], -1), a), 2);
        assertValues(new double[] {6}, run(t, x -> reduceMax(x[0]), a));
        assertValues(new double[] {4, 5, 6}, run(t, x -> reduceMax(x[0], 0), a), 3);
        assertValues(new double[] {3, 6}, run(t, x -> reduceMax(x[0], 1), a), 2);
        INDArray b = range(2, 3, 4);
        // sum over axes 0 and 2: out[j] = sum_i sum_k (12 i + 4 j + k) = 2*4*4j + 4*12 + 2*6 = 32 j + 60
        assertValues(new double[] {60, 92, 124}, run(t, x -> sum(x[0], 0, 2), b), 3);
        assertValues(new double[] {15, 19, 23}, run(t, x -> reduceMax(x[0], 0, 2), b), 3);
        assertValues(new double[] {-1, -0.5}, run(t, x -> reduceMax(x[0], 1),
                f32(new float[] {-3, -1, -2, -0.5f, -7, -9}, 2, 3)), 2);
        Tensor isum = run(t, x -> sum(x[0], 0), i32(new int[] {1, 2, 3, 4}, 2, 2));
        assertArrayEquals(new int[] {4, 6}, Conformance.ints(isum));
    }

    // ---- gather ----

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("backends")
    void gatherRowsCases(Target t) {
        INDArray operand = f32(new float[] {0, 0, 1, 10, 2, 20, 3, 30}, 4, 2);
        assertValues(new double[] {2, 20, 0, 0, 2, 20},
                run(t, x -> gatherRows(x[0], x[1]), operand, i32(new int[] {2, 0, 2}, 3)), 3, 2);
        assertValues(new double[] {3, 30, 1, 10, 0, 0, 3, 30},
                run(t, x -> gatherRows(x[0], x[1]), operand, i32(new int[] {3, 1, 0, 3}, 2, 2)), 2, 2, 2);
        // Of a vector: picks elements.
        assertValues(new double[] {30, 10},
                run(t, x -> gatherRows(x[0], x[1]), new float[] {10, 20, 30}, i32(new int[] {2, 0}, 2)), 2);
        // batchDims = 1: out[b, i, :] = operand[b, indices[b, i], :]
        INDArray batched = range(2, 3, 2);  // operand[b][n] = [6b + 2n, 6b + 2n + 1]
        assertValues(new double[] {4, 5, 0, 1, 6, 7, 6, 7},
                run(t, x -> gatherRows(x[0], x[1], 1), batched, i32(new int[] {2, 0, 0, 0}, 2, 2)), 2, 2, 2);
        // Re-ranking: the vectors of the top-k.
        INDArray db = f32(new float[] {1, 0, 0, 1, 5, 5, -1, -1}, 4, 2);
        Tensor vecs = run(t, x -> gatherRows(x[1], approxMaxK(dot(x[0], transpose(x[1])), 2).indices()),
                f32(new float[] {1, 1}, 1, 2), db);
        assertValues(new double[] {5, 5, 1, 0}, vecs, 1, 2, 2);
    }

    // ---- convert ----

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("backends")
    void convertRoundsToNearestEven(Target t) {
        float tieDown = 1 + 0x1p-8f;              // halfway between bf16 1.0 and 1 + 2^-7: even is 1.0
        float tieUp = 1 + 3 * 0x1p-8f;             // halfway between 1 + 2^-7 and 1 + 2^-6: even is 1 + 2^-6
        float aboveTie = 1 + 0x1p-8f + 0x1p-20f;   // just above the first tie: rounds up
        float belowTie = 1 + 3 * 0x1p-8f - 0x1p-20f;
        float[] x = {tieDown, tieUp, aboveTie, belowTie, -tieDown, -tieUp};
        Tensor bf = run(t, a -> convert(convert(a[0], DType.BF16), DType.F32), x);
        assertEquals(DType.F32, bf.dtype());
        assertArrayEquals(new double[] {1.0, 1 + 0x1p-6, 1 + 0x1p-7, 1 + 0x1p-7, -1.0, -(1 + 0x1p-6)},
                Conformance.doubles(bf), "f32 -> bf16 -> f32");
        Tensor bfOnly = run(t, a -> convert(a[0], DType.BF16), x);
        assertEquals(DType.BF16, bfOnly.dtype());
        assertEquals(DataType.BFLOAT16, bfOnly.array().dataType());
        assertArrayEquals(new double[] {1.0, 1 + 0x1p-6, 1 + 0x1p-7, 1 + 0x1p-7, -1.0, -(1 + 0x1p-6)},
                Conformance.doubles(bfOnly), "f32 -> bf16");

        float h1 = 1 + 0x1p-11f;                   // f16 has 10 fraction bits
        float h2 = 1 + 3 * 0x1p-11f;
        Tensor half = run(t, a -> convert(convert(a[0], DType.F16), DType.F32), new float[] {h1, h2, 65504, 0.5f});
        assertArrayEquals(new double[] {1.0, 1 + 0x1p-9, 65504, 0.5}, Conformance.doubles(half), "f32 -> f16 -> f32");

        Tensor wide = run(t, a -> convert(a[0], DType.F64), new float[] {0.1f, -3});
        assertEquals(DType.F64, wide.dtype());
        assertArrayEquals(new double[] {0.1f, -3}, Conformance.doubles(wide));
        Tensor ints = run(t, a -> convert(a[0], DType.F32), i32(new int[] {7, -2}, 2));
        assertArrayEquals(new double[] {7, -2}, Conformance.doubles(ints));
    }

    // ---- topK and sortKeyVal ----

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("backends")
    void topKCases(Target t) {
        TopK r = run(t, x -> topK(x[0], 3), new float[] {3, 1, 4, 1, 5, 9, 2, 6});
        assertArrayEquals(new int[] {5, 7, 4}, Conformance.ints(r.indices()));
        assertArrayEquals(new double[] {9, 6, 5}, Conformance.doubles(r.values()));
        TopK m = run(t, x -> topK(x[0], 2), f32(new float[] {1, 3, 2, 6, 5, 4}, 2, 3));
        assertArrayEquals(new int[] {2, 2}, m.indices().shape());
        assertArrayEquals(new int[] {1, 2, 0, 1}, Conformance.ints(m.indices()));
        assertArrayEquals(new double[] {3, 2, 6, 5}, Conformance.doubles(m.values()));
        assertEquals(DType.I32, m.indices().dtype());
        // f64 and the half types keep their dtype.
        for (DataType dt : List.of(DataType.DOUBLE, DataType.HALF, DataType.BFLOAT16)) {
            TopK h = run(t, x -> topK(x[0], 2), f32(new float[] {1, 3, 2, 6, 5, 4}, 2, 3).castTo(dt));
            assertEquals(dt, h.valuesArray().dataType());
            assertArrayEquals(new int[] {1, 2, 0, 1}, Conformance.ints(h.indices()));
        }
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("backends")
    void sortKeyValIsStable(Target t) {
        KeyValue kv = run(t, x -> sortKeyVal(x[0], x[1], 0), new float[] {3, 1, 3, 1, 2}, i32(new int[] {0, 1, 2, 3, 4}, 5));
        assertArrayEquals(new double[] {1, 1, 2, 3, 3}, Conformance.doubles(kv.keys()));
        assertArrayEquals(new int[] {1, 3, 4, 0, 2}, Conformance.ints(kv.values()));
        // Along dimension 0 of a matrix, values carried as f32.
        KeyValue cols = run(t, x -> sortKeyVal(x[0], x[1], 0), f32(new float[] {2, 1, 1, 1, 0, 5}, 3, 2),
                f32(new float[] {0, 0, 1, 1, 2, 2}, 3, 2));
        assertArrayEquals(new double[] {0, 1, 1, 1, 2, 5}, Conformance.doubles(cols.keys()));
        assertArrayEquals(new double[] {2, 0, 1, 1, 0, 2}, Conformance.doubles(cols.values()));
        // Along the last dimension with -1, i32 keys.
        KeyValue last = run(t, x -> sortKeyVal(x[0], x[1], -1), i32(new int[] {5, 5, 1, 9, 0, 9}, 2, 3),
                i32(new int[] {0, 1, 2, 0, 1, 2}, 2, 3));
        assertArrayEquals(new int[] {1, 5, 5, 0, 9, 9}, Conformance.ints(last.keys()));
        assertArrayEquals(new int[] {2, 0, 1, 1, 0, 2}, Conformance.ints(last.values()));
        // Many equal keys keep their order.
        float[] same = new float[300];
        int[] order = IntStream.range(0, 300).toArray();
        KeyValue flat = run(t, x -> sortKeyVal(x[0], x[1], 0), same, i32(order, 300));
        assertArrayEquals(order, Conformance.ints(flat.values()));
    }

    // ---- NaN, infinities, signed zeros and ties ----

    static final float NEG_NAN_F = Float.intBitsToFloat(0xffc00000);
    static final double NEG_NAN_D = Double.longBitsToDouble(0xfff8000000000000L);

    /** 1, +NaN, -inf, -0.0, +0.0, +inf, -NaN, 1, -1 in the dtype. */
    static INDArray specials(DataType dt) {
        if (dt == DataType.DOUBLE) {
            return Conformance.fromDoubles(new double[] {1, Double.NaN, Double.NEGATIVE_INFINITY, -0.0, 0.0,
                    Double.POSITIVE_INFINITY, NEG_NAN_D, 1, -1}, 9);
        }
        return f32(new float[] {1, Float.NaN, Float.NEGATIVE_INFINITY, -0.0f, 0.0f, Float.POSITIVE_INFINITY,
                NEG_NAN_F, 1, -1}, 9);
    }

    /** The indices of {@link #specials} in the total order, ascending, ties by index. */
    static final int[] ASCENDING = {6, 2, 8, 3, 4, 0, 7, 5, 1};
    /** Descending, ties by index. */
    static final int[] DESCENDING = {1, 5, 0, 7, 4, 3, 8, 2, 6};

    static Stream<Arguments> orderCases() {
        List<Arguments> out = new ArrayList<>();
        for (Target t : Conformance.targets()) {
            for (DataType dt : List.of(DataType.FLOAT, DataType.DOUBLE)) {
                out.add(Arguments.of(t, dt));
            }
        }
        return out.stream();
    }

    /** Backends that emulate the TPU keep JAX's comparator (see the semantics file) and are exempt. */
    private static void assumeTotalOrder(Target t) {
        assumeTrue(!t.followsJaxComparator(), "backend " + t + " follows JAX's comparator, not the total order");
    }

    /** Checks the values are the specials at {@code expectedIdx}, bit for bit (sign of zeros and NaNs). */
    private static void assertSpecialValues(INDArray input, int[] expectedIdx, Tensor values) {
        if (input.dataType() == DataType.DOUBLE) {
            long[] in = Conformance.f64Bits(input);
            long[] got = Conformance.f64Bits(values.array());
            for (int j = 0; j < got.length; j++) {
                long want = in[expectedIdx[j]];
                boolean nan = Double.isNaN(Double.longBitsToDouble(want));
                assertTrue(nan ? Double.isNaN(Double.longBitsToDouble(got[j])) && (got[j] < 0) == (want < 0) : got[j] == want,
                        "position " + j + ": " + Double.longBitsToDouble(got[j]) + " (bits " + Long.toHexString(got[j])
                                + ") vs " + Double.longBitsToDouble(want) + " (bits " + Long.toHexString(want) + ")");
            }
        } else {
            int[] in = Conformance.f32Bits(input);
            int[] got = Conformance.f32Bits(values.array());
            for (int j = 0; j < got.length; j++) {
                int want = in[expectedIdx[j]];
                boolean nan = Float.isNaN(Float.intBitsToFloat(want));
                assertTrue(nan ? Float.isNaN(Float.intBitsToFloat(got[j])) && (got[j] < 0) == (want < 0) : got[j] == want,
                        "position " + j + ": " + Float.intBitsToFloat(got[j]) + " (bits " + Integer.toHexString(got[j])
                                + ") vs " + Float.intBitsToFloat(want) + " (bits " + Integer.toHexString(want) + ")");
            }
        }
    }

    private static int[] prefix(int[] a, int n) {
        return java.util.Arrays.copyOf(a, n);
    }

    @ParameterizedTest(name = "[{0}] {1}")
    @MethodSource("orderCases")
    void approxTopKOrderOfSpecials(Target t, DataType dt) {
        assumeTotalOrder(t);
        INDArray x = specials(dt);
        for (int k : new int[] {9, 3, 1}) {
            TopK max = run(t, a -> approxMaxK(a[0], k), x);
            assertArrayEquals(prefix(DESCENDING, k), Conformance.ints(max.indices()), "approxMaxK k=" + k);
            assertSpecialValues(x, prefix(DESCENDING, k), max.values());
            TopK min = run(t, a -> approxMinK(a[0], k), x);
            assertArrayEquals(prefix(ASCENDING, k), Conformance.ints(min.indices()), "approxMinK k=" + k);
            assertSpecialValues(x, prefix(ASCENDING, k), min.values());
            TopK top = run(t, a -> topK(a[0], k), x);
            assertArrayEquals(prefix(DESCENDING, k), Conformance.ints(top.indices()), "topK k=" + k);
            assertSpecialValues(x, prefix(DESCENDING, k), top.values());
        }
        // As rows of a matrix, reduced along dimension 1 and (transposed) along dimension 0.
        TopK rows = run(t, a -> approxMaxK(broadcastInDim(a[0], new int[] {2, 9}, new int[] {1}), 4), x);
        assertArrayEquals(new int[] {1, 5, 0, 7, 1, 5, 0, 7}, Conformance.ints(rows.indices()));
        TopK cols = run(t, a -> approxMinK(broadcastInDim(a[0], new int[] {9, 2}, new int[] {0}),
                ApproxTopKOptions.k(4).reductionDimension(0)), x);
        assertArrayEquals(new int[] {6, 6, 2, 2, 8, 8, 3, 3}, Conformance.ints(cols.indices()));
    }

    @ParameterizedTest(name = "[{0}] {1}")
    @MethodSource("orderCases")
    void sortKeyValOrderOfSpecials(Target t, DataType dt) {
        assumeTotalOrder(t);
        INDArray x = specials(dt);
        KeyValue kv = run(t, a -> sortKeyVal(a[0], iota(9), 0), x);
        assertArrayEquals(ASCENDING, Conformance.ints(kv.values()));
        assertSpecialValues(x, ASCENDING, kv.keys());
    }

    @ParameterizedTest(name = "[{0}]")
    @MethodSource("targets")
    void tiesGoToTheLowerIndex(Target t) {
        assumeTotalOrder(t);
        float[] x = {2, 5, 2, 5, 2};
        assertArrayEquals(new int[] {1, 3, 0, 2, 4}, Conformance.ints(run(t, a -> approxMaxK(a[0], 5), x).indices()));
        assertArrayEquals(new int[] {0, 2, 4, 1, 3}, Conformance.ints(run(t, a -> approxMinK(a[0], 5), x).indices()));
        assertArrayEquals(new int[] {1, 3, 0, 2, 4}, Conformance.ints(run(t, a -> topK(a[0], 5), x).indices()));
        assertArrayEquals(new int[] {1, 3}, Conformance.ints(run(t, a -> approxMaxK(a[0], 2), x).indices()));
        assertArrayEquals(new int[] {0, 2}, Conformance.ints(run(t, a -> approxMinK(a[0], 2), x).indices()));

        // A large all-equal row (the partial reduction runs for N = 3000): the first k indices.
        float[] flat = new float[3000];
        java.util.Arrays.fill(flat, 1.5f);
        int[] first10 = IntStream.range(0, 10).toArray();
        for (double recall : new double[] {0.9, 0.95, 1.0}) {
            TopK mx = run(t, a -> approxMaxK(reshape(a[0], 1, 3000), 10, recall), flat);
            assertArrayEquals(first10, Conformance.ints(mx.indices()), "approxMaxK all equal, recall " + recall);
            TopK mn = run(t, a -> approxMinK(reshape(a[0], 1, 3000), 10, recall), flat);
            assertArrayEquals(first10, Conformance.ints(mn.indices()), "approxMinK all equal, recall " + recall);
            TopK one = run(t, a -> approxMinK(a[0], 1, recall), flat);
            assertArrayEquals(new int[] {0}, Conformance.ints(one.indices()), "approxMinK k=1 rank 1, recall " + recall);
        }
        // +0.0 and -0.0 are not a tie: -0.0 < +0.0.
        float[] zeros = {0.0f, -0.0f, 0.0f, -0.0f};
        assertArrayEquals(new int[] {0, 2, 1, 3}, Conformance.ints(run(t, a -> approxMaxK(a[0], 4), zeros).indices()));
        assertArrayEquals(new int[] {1, 3, 0, 2}, Conformance.ints(run(t, a -> approxMinK(a[0], 4), zeros).indices()));
        // NaNs of one sign tie among themselves.
        float[] nans = {Float.NaN, 1, Float.NaN, NEG_NAN_F, NEG_NAN_F};
        assertArrayEquals(new int[] {0, 2, 1, 3, 4}, Conformance.ints(run(t, a -> approxMaxK(a[0], 5), nans).indices()));
        assertArrayEquals(new int[] {3, 4, 1, 0, 2}, Conformance.ints(run(t, a -> approxMinK(a[0], 5), nans).indices()));
    }
}
