package io.ann4j.conformance;

import io.ann4j.dsl.*;

import static io.ann4j.dsl.Ops.approxMaxK;
import static io.ann4j.dsl.Ops.approxMinK;
import static io.ann4j.dsl.Ops.broadcastInDim;
import static io.ann4j.dsl.Ops.dot;
import static io.ann4j.dsl.Ops.mul;
import static io.ann4j.dsl.Ops.neg;
import static io.ann4j.dsl.Ops.squaredNorms;
import static io.ann4j.dsl.Ops.sub;
import static io.ann4j.dsl.Ops.topK;
import static io.ann4j.dsl.Ops.transpose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ops.ApproxTopKShape;
import io.ann4j.conformance.Conformance.Target;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Properties of {@code approxMaxK} / {@code approxMinK} that hold on every backend and selection
 * mode. Each property runs over every target (see {@link Conformance#targets()}) times a small
 * range of seeds; jqwik enumerates that product exhaustively (the tries exceed it; with many more
 * backends jqwik would sample it at random instead), and the data
 * of each try comes from a {@link Random} with that seed, so every run sees the same inputs.
 */
class ApproxTopKPropertiesTest {

    private static final double[] RECALLS = {0.5, 0.8, 0.9, 0.95, 0.99, 1.0};

    // ---- inputs ----

    /** A random operand and the options to reduce it with. */
    record Case(INDArray operand, int[] shape, int axis, int passedAxis, int k, double recall, boolean aggregate,
                long override, DataType dtype) {
        /** The options, with the axis as passed (non-negative or negative). */
        ApproxTopKOptions options() {
            return ApproxTopKOptions.k(k).reductionDimension(passedAxis).recallTarget(recall)
                    .aggregateToTopk(aggregate).reductionInputSizeOverride(override);
        }

        int n() {
            return shape[axis];
        }

        @Override
        public String toString() {
            return dtype + Arrays.toString(shape) + " axis=" + passedAxis + " k=" + k + " recall=" + recall
                    + " aggregate=" + aggregate + " override=" + override;
        }
    }

    /**
     * Values: normal, small integers (many ties, +0.0 and -0.0 among them), or normal with NaNs of
     * both signs, infinities and zeros mixed in.
     */
    static float[] values(Random rnd, int n) {
        int flavour = rnd.nextInt(3);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (flavour) {
                case 0 -> (float) (rnd.nextGaussian() * 3);
                case 1 -> {
                    int x = rnd.nextInt(7) - 3;
                    yield x == 0 && rnd.nextBoolean() ? -0.0f : x;
                }
                default -> switch (rnd.nextInt(12)) {
                    case 0 -> Float.NaN;
                    case 1 -> Float.intBitsToFloat(0xffc00000); // -NaN
                    case 2 -> Float.POSITIVE_INFINITY;
                    case 3 -> Float.NEGATIVE_INFINITY;
                    case 4 -> 0.0f;
                    case 5 -> -0.0f;
                    default -> (float) (rnd.nextGaussian() * 3);
                };
            };
        }
        return v;
    }

    static DataType dtype(Random rnd) {
        return Conformance.FLOATING.get(rnd.nextInt(Conformance.FLOATING.size()));
    }

    static final int[] REDUCED_SIZES = {1, 7, 64, 128, 129, 300, 1024, 1500, 2500};

    /** A random case of rank 1 to 3; {@code aggregate} null means either. */
    static Case randomCase(Random rnd, Boolean aggregate, boolean specials) {
        int rank = 1 + rnd.nextInt(3);
        int axis = rnd.nextInt(rank);
        int[] shape = new int[rank];
        for (int a = 0; a < rank; a++) {
            shape[a] = 1 + rnd.nextInt(3);
        }
        int n = REDUCED_SIZES[rnd.nextInt(REDUCED_SIZES.length)];
        if (rank == 1 && rnd.nextInt(3) == 0) {
            n = 1025 + rnd.nextInt(4000);   // rank 1 tiles by 1024
        }
        shape[axis] = n;
        int k = 1 + rnd.nextInt(Math.min(n, rnd.nextBoolean() ? 10 : 64));
        double recall = RECALLS[rnd.nextInt(RECALLS.length)];
        boolean agg = aggregate != null ? aggregate : rnd.nextBoolean();
        long override = rnd.nextInt(3) == 0 ? (long) n << rnd.nextInt(6) : -1;
        DataType dt = dtype(rnd);
        int count = Arrays.stream(shape).reduce(1, (x, y) -> x * y);
        float[] data;
        if (specials) {
            data = values(rnd, count);
        } else {
            data = new float[count];
            for (int i = 0; i < count; i++) {
                data[i] = (float) (rnd.nextGaussian() * 3);
            }
        }
        // The axis is passed both ways: as a non-negative and as a negative dimension.
        int passedAxis = rnd.nextBoolean() ? axis : axis - rank;
        return new Case(Conformance.fromFloats(data, dt, shape), shape, axis, passedAxis, k, recall, agg, override, dt);
    }

    // ---- lanes: the 1-D slices along the reduction axis ----

    /** {@code flat} (row-major, {@code shape}) cut into its lanes along {@code axis}. */
    static double[][] lanes(double[] flat, int[] shape, int axis) {
        int outer = 1;
        for (int a = 0; a < axis; a++) {
            outer *= shape[a];
        }
        int inner = 1;
        for (int a = axis + 1; a < shape.length; a++) {
            inner *= shape[a];
        }
        int n = shape[axis];
        double[][] out = new double[outer * inner][n];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                for (int j = 0; j < n; j++) {
                    out[o * inner + i][j] = flat[(o * n + j) * inner + i];
                }
            }
        }
        return out;
    }

    static int[][] lanes(int[] flat, int[] shape, int axis) {
        double[] d = Arrays.stream(flat).asDoubleStream().toArray();
        double[][] l = lanes(d, shape, axis);
        int[][] out = new int[l.length][];
        for (int i = 0; i < l.length; i++) {
            out[i] = Arrays.stream(l[i]).mapToInt(x -> (int) x).toArray();
        }
        return out;
    }

    static int[] withDim(int[] shape, int axis, int size) {
        int[] s = shape.clone();
        s[axis] = size;
        return s;
    }

    /** Bitwise equality of two widened values (NaNs: equal when their signs are). */
    static boolean sameValue(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return Double.isNaN(a) && Double.isNaN(b)
                    && (Double.doubleToRawLongBits(a) < 0) == (Double.doubleToRawLongBits(b) < 0);
        }
        return Double.doubleToRawLongBits(a) == Double.doubleToRawLongBits(b);
    }

    static String show(double v) {
        return Double.isNaN(v) ? (Double.doubleToRawLongBits(v) < 0 ? "-NaN" : "+NaN") : Double.toString(v);
    }

    // ---- properties ----

    /**
     * With {@code aggregateToTopk}, results are sorted (descending for max, ascending for min, in
     * the total order of the semantics file, equal values by increasing index), the indices are
     * distinct and in range, and every value is the operand's value at its index.
     */
    @Property(tries = 1000, seed = "4242")
    void sortedAndValuesAtIndices(@ForAll(supplier = Conformance.Targets.class) Target target,
                                  @ForAll @IntRange(min = 0, max = 39) int seed, @ForAll boolean max) {
        Case c = randomCase(new Random(1000 + seed * 2L + (max ? 1 : 0)), true, true);
        TopK r = Conformance.run(target.config(),
                a -> max ? approxMaxK(a[0], c.options()) : approxMinK(a[0], c.options()), c.operand());
        int[] outShape = withDim(c.shape(), c.axis(), c.k());
        assertArrayEquals(outShape, r.values().shape(), "values shape");
        assertArrayEquals(outShape, r.indices().shape(), "indices shape");
        assertEquals(c.operand().dataType(), r.valuesArray().dataType(), "values keep the operand's dtype");
        assertEquals(DType.I32, r.indices().dtype());
        double[][] in = lanes(Conformance.doubles(c.operand()), c.shape(), c.axis());
        double[][] vals = lanes(Conformance.doubles(r.values()), outShape, c.axis());
        int[][] idx = lanes(Conformance.ints(r.indices()), outShape, c.axis());
        for (int l = 0; l < in.length; l++) {
            Set<Integer> seen = new HashSet<>();
            for (int j = 0; j < c.k(); j++) {
                int i = idx[l][j];
                assertTrue(i >= 0 && i < c.n(), c + " lane " + l + ": index " + i + " out of range");
                assertTrue(seen.add(i), c + " lane " + l + ": index " + i + " returned twice");
                assertTrue(sameValue(in[l][i], vals[l][j]), c + " lane " + l + " position " + j + ": value "
                        + show(vals[l][j]) + " but operand[" + i + "] = " + show(in[l][i]));
                if (j > 0 && target.followsJaxComparator()) {
                    // JAX's comparator: a later value is never strictly better (NaN and ties unordered).
                    boolean ordered = !(max ? vals[l][j] > vals[l][j - 1] : vals[l][j] < vals[l][j - 1]);
                    assertTrue(ordered, c + " lane " + l + ": position " + j + " (" + show(vals[l][j])
                            + ") is better than position " + (j - 1) + " (" + show(vals[l][j - 1]) + ")");
                } else if (j > 0) {
                    int cmp = Conformance.totalCompare(vals[l][j - 1], vals[l][j]);
                    boolean ordered = max ? cmp > 0 : cmp < 0;
                    boolean tieOrdered = cmp == 0 && idx[l][j - 1] < i;
                    assertTrue(ordered || tieOrdered, c + " lane " + l + ": position " + (j - 1) + " ("
                            + show(vals[l][j - 1]) + " @" + idx[l][j - 1] + ") and " + j + " (" + show(vals[l][j])
                            + " @" + i + ") are out of order for " + (max ? "max" : "min"));
                }
            }
        }
    }

    /**
     * With {@code aggregateToTopk = false} the reduction dimension has XLA's output size
     * ({@link ApproxTopKShape#outputSize}), the other dimensions are kept, and every returned
     * value is the operand's value at its index.
     */
    @Property(tries = 1000, seed = "4243")
    void unaggregatedOutputSize(@ForAll(supplier = Conformance.Targets.class) Target target,
                                @ForAll @IntRange(min = 0, max = 39) int seed, @ForAll boolean max) {
        Case c = randomCase(new Random(2000 + seed * 2L + (max ? 1 : 0)), false, true);
        TopK r = Conformance.run(target.config(),
                a -> max ? approxMaxK(a[0], c.options()) : approxMinK(a[0], c.options()), c.operand());
        long expected = ApproxTopKShape.outputSize(max ? "approxMaxK" : "approxMinK", c.n(), c.shape().length,
                c.k(), (float) c.recall(), false, c.override()).outputSize();
        int[] outShape = withDim(c.shape(), c.axis(), Math.toIntExact(expected));
        assertArrayEquals(outShape, r.values().shape(), c + ": values shape");
        assertArrayEquals(outShape, r.indices().shape(), c + ": indices shape");
        double[][] in = lanes(Conformance.doubles(c.operand()), c.shape(), c.axis());
        double[][] vals = lanes(Conformance.doubles(r.values()), outShape, c.axis());
        int[][] idx = lanes(Conformance.ints(r.indices()), outShape, c.axis());
        for (int l = 0; l < in.length; l++) {
            Set<Integer> seen = new HashSet<>();
            for (int j = 0; j < expected; j++) {
                int i = idx[l][j];
                if (i == -1 && expected > c.n()) {
                    continue; // an empty bin: the output is larger than the operand
                }
                assertTrue(i >= 0 && i < c.n(), c + " lane " + l + ": index " + i + " out of range");
                assertTrue(seen.add(i), c + " lane " + l + ": index " + i + " returned twice");
                assertTrue(sameValue(in[l][i], vals[l][j]), c + " lane " + l + " position " + j + ": value "
                        + show(vals[l][j]) + " but operand[" + i + "] = " + show(in[l][i]));
            }
            // The best element of the lane always survives a partial reduction.
            int best = Conformance.referenceTopK(in[l], 1, max)[0];
            if (target.followsJaxComparator()) {
                // Ties keep the later index and NaN is unordered there: the best value survives.
                double bestValue = in[l][best];
                boolean hasNaN = java.util.Arrays.stream(in[l]).anyMatch(Double::isNaN);
                assertTrue(hasNaN || java.util.Arrays.stream(vals[l]).anyMatch(v -> v == bestValue),
                        c + " lane " + l + ": the best value " + show(bestValue) + " is missing");
            } else {
                assertTrue(seen.contains(best), c + " lane " + l + ": the best element (index " + best + ") is missing");
            }
        }
    }

    /** {@code approxMinK(x)} mirrors {@code approxMaxK(neg(x))}: the same indices, negated values. */
    @Property(tries = 1000, seed = "4244")
    void minMirrorsMaxOfNegation(@ForAll(supplier = Conformance.Targets.class) Target target,
                                 @ForAll @IntRange(min = 0, max = 79) int seed) {
        Case c = randomCase(new Random(3000 + seed), null, true);
        List<Tensor> r = Conformance.run(target.config(), a -> {
            TopK min = approxMinK(a[0], c.options());
            TopK max = approxMaxK(neg(a[0]), c.options());
            return List.of(min.values(), min.indices(), max.values(), max.indices());
        }, c.operand());
        assertArrayEquals(r.get(0).shape(), r.get(2).shape(), c + ": shapes");
        int[] minIdx = Conformance.ints(r.get(1));
        int[] maxIdx = Conformance.ints(r.get(3));
        assertArrayEquals(minIdx, maxIdx, c + ": indices of approxMinK(x) and approxMaxK(neg(x))");
        double[] minVal = Conformance.doubles(r.get(0));
        double[] maxVal = Conformance.doubles(r.get(2));
        for (int i = 0; i < minVal.length; i++) {
            if (minIdx[i] < 0) {
                continue;
            }
            double negated = Double.longBitsToDouble(Double.doubleToRawLongBits(maxVal[i]) ^ Long.MIN_VALUE);
            assertTrue(sameValue(minVal[i], negated), c + " element " + i + ": min value " + show(minVal[i])
                    + " is not -(" + show(maxVal[i]) + ")");
        }
    }

    /**
     * {@code recallTarget = 1} is exact: the indices equal {@code topK}'s (of {@code x} for max,
     * of {@code neg(x)} for min) and the reference's (the total order, ties to the lower index).
     */
    @Property(tries = 1000, seed = "4245")
    void recallOneIsExact(@ForAll(supplier = Conformance.Targets.class) Target target,
                          @ForAll @IntRange(min = 0, max = 39) int seed, @ForAll boolean max) {
        Random rnd = new Random(4000 + seed * 2L + (max ? 1 : 0));
        int rows = 1 + rnd.nextInt(6);
        int n = REDUCED_SIZES[1 + rnd.nextInt(REDUCED_SIZES.length - 1)];
        int k = rnd.nextInt(4) == 0 ? 1 : 1 + rnd.nextInt(Math.min(n, 40));
        DataType dt = dtype(rnd);
        INDArray x = Conformance.fromFloats(values(rnd, rows * n), dt, rows, n);
        List<Tensor> r = Conformance.run(target.config(), a -> {
            TopK approx = max ? approxMaxK(a[0], k, 1.0) : approxMinK(a[0], k, 1.0);
            TopK exact = topK(max ? a[0] : neg(a[0]), k);
            return List.of(approx.indices(), exact.indices());
        }, x);
        String what = (max ? "approxMaxK " : "approxMinK ") + dt + "[" + rows + "," + n + "] k=" + k;
        if (target.followsJaxComparator()) {
            // Exact up to JAX's comparator: the same values (-0.0 == +0.0) wherever no NaN is involved.
            double[] all = Conformance.doubles(x);
            int[] got = Conformance.ints(r.get(0));
            int[] want = Conformance.ints(r.get(1));
            for (int row = 0; row < rows; row++) {
                int base = row * n;
                if (java.util.Arrays.stream(all, base, base + n).anyMatch(Double::isNaN)) {
                    continue;
                }
                for (int i = 0; i < k; i++) {
                    assertEquals(all[base + want[row * k + i]], all[base + got[row * k + i]], 0.0,
                            what + " row " + row + " position " + i + ": approx vs topK values");
                }
            }
            return;
        }
        assertArrayEquals(Conformance.ints(r.get(1)), Conformance.ints(r.get(0)), what + ": approx vs topK indices");
        double[] flat = Conformance.doubles(x);
        int[] got = Conformance.ints(r.get(0));
        for (int q = 0; q < rows; q++) {
            int[] ref = Conformance.referenceTopK(Conformance.row(flat, n, q), k, max);
            assertArrayEquals(ref, Conformance.row(got, k, q), what + " row " + q + ": approx vs reference");
        }
    }

    /** The cases of {@link #recallMeetsTargetOnAverage}: {@code rank, n, k, recall}. */
    private static final int[][] RECALL_CASES = {
            {2, 1000, 10, 95}, {2, 3000, 10, 90}, {2, 3000, 50, 95}, {2, 5000, 100, 80},
            {2, 2000, 1, 95}, {2, 4096, 20, 99}, {1, 20000, 10, 95}, {2, 1200, 64, 70},
    };

    /**
     * Over random inputs, the recall against the exact top-k meets the target on average (the
     * average over trials; one trial may fall short, as with the TPU's bins), or for a
     * configuration that meets it in expectation only, comes within the sample's error of it.
     */
    @Property(tries = 1000, seed = "4246")
    void recallMeetsTargetOnAverage(@ForAll(supplier = Conformance.Targets.class) Target target,
                                    @ForAll @IntRange(min = 0, max = 7) int caseIndex, @ForAll boolean max) {
        int[] spec = RECALL_CASES[caseIndex];
        int rank = spec[0];
        int n = spec[1];
        int k = spec[2];
        double recall = spec[3] / 100.0;
        int rows = rank == 1 ? 1 : 16;
        int trials = rank == 1 ? 24 : 6;
        Jitted<TopK> f = Jit.jit((Tensor x) -> max ? approxMaxK(x, k, recall) : approxMinK(x, k, recall), target.config());
        double sum = 0;
        for (int t = 0; t < trials; t++) {
            Random rnd = new Random(5000 + caseIndex * 100L + t);
            INDArray x = rank == 1 ? Conformance.gaussian(rnd, 3, DataType.FLOAT, n)
                    : Conformance.gaussian(rnd, 3, DataType.FLOAT, rows, n);
            TopK r = f.call(x);
            double[] flat = Conformance.doubles(x);
            int[] got = Conformance.ints(r.indices());
            long hits = 0;
            for (int q = 0; q < rows; q++) {
                Set<Integer> truth = new HashSet<>();
                for (int i : Conformance.referenceTopK(Conformance.row(flat, n, q), k, max)) {
                    truth.add(i);
                }
                for (int i : Conformance.row(got, k, q)) {
                    hits += truth.contains(i) ? 1 : 0;
                }
            }
            sum += (double) hits / (rows * k);
        }
        double average = sum / trials;
        double floor = target.recallFloor(recall, (long) trials * rows * k);
        assertTrue(average >= floor, "rank " + rank + " n=" + n + " k=" + k + " recall target " + recall
                + ": average recall " + average + " over " + trials + " trials (floor " + floor + ")");
        assertEquals(1, f.traceCount(), "one signature, one trace");
    }

    /**
     * The fused path ({@code dot} followed by the top-k, run as one region) returns what the
     * unfused reference path returns: the same indices at recall 1, values within 1e-4 relative.
     * Two forms: inner product ({@code approxMaxK(dot(qy, db^T))}) and the L2 form
     * ({@code approxMinK(|db|^2 - 2 qy.db)}, the per-column vector being a side input).
     */
    @Property(tries = 1000, seed = "4247")
    void fusedEqualsUnfused(@ForAll(supplier = Conformance.Targets.class) Target target,
                            @ForAll @IntRange(min = 0, max = 24) int seed, @ForAll boolean l2) {
        Random rnd = new Random(6000 + seed * 2L + (l2 ? 1 : 0));
        int q = 1 + rnd.nextInt(24);
        int n = new int[] {10, 128, 300, 1000, 2100}[rnd.nextInt(5)];
        int d = l2 ? new int[] {3, 16, 64, 100}[rnd.nextInt(4)] : new int[] {1, 3, 16, 64, 100}[rnd.nextInt(5)];
        int k = 1 + rnd.nextInt(Math.min(n, 32));
        DataType dt = rnd.nextInt(3) == 0 ? DataType.DOUBLE : DataType.FLOAT;
        INDArray qy = Conformance.gaussian(rnd, 3, dt, q, d);
        INDArray db = Conformance.gaussian(rnd, 3, dt, n, d);
        java.util.function.BiFunction<Tensor, Tensor, TopK> fn = l2
                ? (a, b) -> approxMinK(sub(broadcastInDim(squaredNorms(b), new int[] {a.dim(0), b.dim(0)}, new int[] {1}),
                        mul(dot(a, transpose(b)), 2.0)), k, 1.0)
                : (a, b) -> approxMaxK(dot(a, transpose(b)), k, 1.0);
        TopK fused = Jit.jit(fn, target.config()).call(qy, db);
        TopK unfused = Jit.jit(fn, target.unfused()).call(qy, db);
        String what = (l2 ? "L2 " : "MIPS ") + dt + " qy[" + q + "," + d + "] db[" + n + "," + d + "] k=" + k;
        assertArrayEquals(Conformance.ints(unfused.indices()), Conformance.ints(fused.indices()), what + ": indices");
        double[] fv = Conformance.doubles(fused.values());
        double[] uv = Conformance.doubles(unfused.values());
        double scale = 0;
        for (double v : uv) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < fv.length; i++) {
            double tol = 1e-4 * Math.max(Math.max(Math.abs(fv[i]), Math.abs(uv[i])), l2 ? scale * 1e-2 : 1e-3);
            if (!(Math.abs(fv[i] - uv[i]) <= tol)) {
                fail(what + ": value " + i + " fused " + fv[i] + " vs unfused " + uv[i]);
            }
        }
    }
}
