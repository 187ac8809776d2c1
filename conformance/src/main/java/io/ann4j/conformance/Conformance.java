package io.ann4j.conformance;

import io.ann4j.dsl.*;

import io.ann4j.compiler.spi.Backends;
import io.ann4j.compiler.spi.Capabilities;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ArbitrarySupplier;
import org.bytedeco.javacpp.ShortPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What the conformance kit runs against, and its shared helpers.
 *
 * <p>The backend under test is the one {@code -Dann4j.backend} names (a backend module's test
 * phase sets it); without it, every backend found by {@link Backends#available()}. Each backend
 * runs once per configuration it declares ({@link Capabilities#configurations()}), and the tests
 * of a promise run only where the backend makes it: the total order of NaN and ties where it
 * declares {@link Capabilities#totalOrder()}, exact results where a configuration declares
 * {@code exactTopK}. Nothing here knows a backend by its name.
 */
public final class Conformance {
    private Conformance() {}

    /**
     * One configuration of one backend.
     *
     * @param backend    the backend's name
     * @param label      the configuration's label, or {@code null} for {@link #backends()}
     * @param config     what to jit with
     * @param exact      whether this configuration's approximate top-k is exact
     * @param totalOrder whether the backend follows the total order of NaN and ties
     * @param dtypes     the floating dtypes the backend declares
     * @param recallInExpectation whether the configuration meets recall targets in expectation
     *                   only (see {@link Capabilities.Configuration})
     */
    public record Target(String backend, String label, JitConfig config, boolean exact, boolean totalOrder,
                         java.util.Set<io.ann4j.compiler.ir.DType> dtypes, boolean recallInExpectation) {
        /** The same target with the fusion pass off: the unfused reference path. */
        JitConfig unfused() {
            return config.fuse(false);
        }

        /**
         * Whether the backend orders by JAX's emitted comparator (a plain GT/LT: NaN and ties
         * unordered, -0.0 equal to +0.0) rather than ann4j's total order, as a TPU does. Tests of
         * the total order's tie and NaN rules skip such backends.
         */
        boolean followsJaxComparator() {
            return !totalOrder;
        }

        /**
         * The lowest average recall over {@code items} sampled neighbours that still meets
         * {@code target}: the target itself, or, for a configuration that meets it in expectation
         * only, the target less three standard errors of the sample.
         */
        double recallFloor(double target, long items) {
            return recallInExpectation ? target - 3 * Math.sqrt(target * (1 - target) / items) : target;
        }

        /** Whether the results are promised exact (a configuration declaring {@code exactTopK}). */
        boolean knownExact() {
            return exact;
        }

        @Override
        public String toString() {
            return label == null ? backend : backend + "/" + label;
        }
    }

    /** The backends under test: the one {@code ann4j.backend} names, else every available one. */
    static List<String> backendsUnderTest() {
        String named = System.getProperty(Backends.PROPERTY);
        if (named != null && !named.isBlank()) {
            Backends.get(named); // fails, listing the available backends, when it is absent
            return List.of(named);
        }
        List<String> all = Backends.available();
        if (all.isEmpty()) {
            throw new IllegalStateException("no ann4j backend on the test class path");
        }
        return all;
    }

    /** Every backend under test, once per configuration it declares. */
    static List<Target> targets() {
        List<Target> out = new ArrayList<>();
        for (String name : backendsUnderTest()) {
            Capabilities caps = Backends.get(name).capabilities();
            for (Capabilities.Configuration c : caps.configurations()) {
                JitConfig config = JitConfig.defaults().backend(name);
                for (Map.Entry<String, String> o : new java.util.TreeMap<>(c.options()).entrySet()) {
                    config = config.option(o.getKey(), o.getValue());
                }
                out.add(new Target(name, caps.configurations().size() == 1 ? null : c.label(), config, c.exactTopK(),
                        caps.totalOrder(), caps.dtypes(), c.recallInExpectation()));
            }
        }
        return List.copyOf(out);
    }

    /** Every backend under test once, with its default options (for tests where the configuration cannot matter). */
    static List<Target> backends() {
        List<Target> out = new ArrayList<>();
        for (String name : backendsUnderTest()) {
            Capabilities caps = Backends.get(name).capabilities();
            boolean exactByDefault = caps.configurations().get(0).options().isEmpty() && caps.configurations().get(0).exactTopK();
            out.add(new Target(name, null, JitConfig.defaults().backend(name), exactByDefault, caps.totalOrder(), caps.dtypes(),
                    caps.configurations().get(0).recallInExpectation()));
        }
        return List.copyOf(out);
    }

    /** jqwik: {@code @ForAll(supplier = Conformance.Targets.class) Target target}. */
    public static final class Targets implements ArbitrarySupplier<Target> {
        @Override
        public Arbitrary<Target> get() {
            return Arbitraries.of(targets());
        }
    }

    /** jqwik: every backend once. */
    public static final class BackendsOnly implements ArbitrarySupplier<Target> {
        @Override
        public Arbitrary<Target> get() {
            return Arbitraries.of(backends());
        }
    }

    static Stream<Target> targetStream() {
        return targets().stream();
    }

    static Stream<Target> backendStream() {
        return backends().stream();
    }

    // ---- running ----

    /** Jits {@code f} for {@code config} and calls it once. */
    @SuppressWarnings("unchecked")
    static <R> R run(JitConfig config, Function<Tensor[], R> f, Object... args) {
        return Jit.jitVarargs(f, config).call(args);
    }

    // ---- data ----

    private static final Map<String, INDArray> DATA = new ConcurrentHashMap<>();

    /**
     * JAX's {@code jtu.rand_default}: a standard normal scaled by 3, drawn from a fixed-seed
     * {@link Random}; f64 is drawn in double precision, the half types are drawn as f32 and
     * converted with {@link INDArray#castTo}. Cached: callers must not modify the result.
     */
    static INDArray randDefault(long seed, DataType dtype, int... shape) {
        String key = seed + "/" + dtype + "/" + Arrays.toString(shape);
        return DATA.computeIfAbsent(key, k -> gaussian(new Random(seed), 3.0, dtype, shape));
    }

    /** A fresh normal(0, scale) array of the given dtype from {@code rnd}. */
    static INDArray gaussian(Random rnd, double scale, DataType dtype, int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        long[] lshape = Arrays.stream(shape).asLongStream().toArray();
        if (dtype == DataType.DOUBLE) {
            double[] d = new double[n];
            for (int i = 0; i < n; i++) {
                d[i] = rnd.nextGaussian() * scale;
            }
            return Nd4j.create(d, lshape, 'c');
        }
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) (rnd.nextGaussian() * scale);
        }
        return fromFloats(f, dtype, shape);
    }

    /** An array of {@code dtype} holding {@code data} (f32 values, converted). */
    static INDArray fromFloats(float[] data, DataType dtype, int... shape) {
        long[] lshape = Arrays.stream(shape).asLongStream().toArray();
        if (dtype == DataType.HALF) {
            // ND4J's castTo(HALF) turns -NaN into +NaN; Float.floatToFloat16 keeps the sign (and
            // rounds to nearest even like the cast).
            INDArray h = Nd4j.create(DataType.HALF, lshape, 'c');
            ShortPointer p = new ShortPointer(h.data().addressPointer());
            for (int i = 0; i < data.length; i++) {
                p.put(i, Float.floatToFloat16(data[i]));
            }
            return h;
        }
        INDArray a = Nd4j.create(data.clone(), lshape, 'c');
        return dtype == DataType.FLOAT ? a : a.castTo(dtype);
    }

    /** An f64 array holding {@code data}. */
    static INDArray fromDoubles(double[] data, int... shape) {
        return Nd4j.create(data.clone(), Arrays.stream(shape).asLongStream().toArray(), 'c');
    }

    /** An i32 array holding {@code data}. */
    static INDArray fromInts(int[] data, int... shape) {
        return Nd4j.createFromArray(data.clone()).reshape(Arrays.stream(shape).asLongStream().toArray()).castTo(DataType.INT);
    }

    // ---- reading results ----

    /**
     * The elements in row-major order, widened to double (exact for every floating dtype, NaN
     * signs included).
     */
    static double[] doubles(INDArray a) {
        if (a.length() == 0) {
            return new double[0];
        }
        if (a.dataType() == DataType.HALF || a.dataType() == DataType.BFLOAT16) {
            // ND4J's castTo turns every half NaN into +NaN; getDouble keeps the sign.
            INDArray c = a.dup('c');
            double[] out = new double[Math.toIntExact(c.length())];
            for (int i = 0; i < out.length; i++) {
                out[i] = c.getDouble((long) i);
            }
            return out;
        }
        return a.castTo(DataType.DOUBLE).dup('c').reshape(a.length()).toDoubleVector();
    }

    static double[] doubles(Tensor t) {
        return doubles(t.array());
    }

    /** The elements of an i32 array in row-major order. */
    static int[] ints(INDArray a) {
        if (a.length() == 0) {
            return new int[0];
        }
        return a.castTo(DataType.INT).dup('c').reshape(a.length()).toIntVector();
    }

    static int[] ints(Tensor t) {
        return ints(t.array());
    }

    /** The raw f32 bits of an f32 array, row-major (sign of zeros and NaNs included). */
    static int[] f32Bits(INDArray a) {
        float[] v = a.dup('c').data().asFloat();
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Float.floatToRawIntBits(v[i]);
        }
        return out;
    }

    /** The raw f64 bits of an f64 array, row-major. */
    static long[] f64Bits(INDArray a) {
        double[] v = a.dup('c').data().asDouble();
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Double.doubleToRawLongBits(v[i]);
        }
        return out;
    }

    // ---- the total order of the semantics file ----

    /**
     * A key that orders doubles as -NaN < -inf < ... < -0.0 < +0.0 < ... < +inf < +NaN when
     * compared as signed longs.
     */
    static long totalOrderKey(double v) {
        long bits = Double.doubleToRawLongBits(v);
        return bits ^ ((bits >> 63) & Long.MAX_VALUE);
    }

    /** Compares in the total order. */
    static int totalCompare(double a, double b) {
        return Long.compare(totalOrderKey(a), totalOrderKey(b));
    }

    /** The exact top-k indices of a row (largest first, or smallest first), ties to the lower index. */
    static int[] referenceTopK(double[] row, int k, boolean max) {
        Integer[] idx = new Integer[row.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (x, y) -> {
            int c = totalCompare(row[x], row[y]);
            if (max) {
                c = -c;
            }
            return c != 0 ? c : Integer.compare(x, y);
        });
        int[] out = new int[k];
        for (int i = 0; i < k; i++) {
            out[i] = idx[i];
        }
        return out;
    }

    /** Row {@code r} of a row-major {@code [rows, cols]} array. */
    static double[] row(double[] flat, int cols, int r) {
        return Arrays.copyOfRange(flat, r * cols, (r + 1) * cols);
    }

    static int[] row(int[] flat, int cols, int r) {
        return Arrays.copyOfRange(flat, r * cols, (r + 1) * cols);
    }

    /** The ND4J type an IR dtype is stored in ({@link io.ann4j.compiler.spi.StorageTypes}). */
    static DataType dataType(io.ann4j.compiler.ir.DType t) {
        return io.ann4j.compiler.spi.StorageTypes.storageType(t);
    }

    /** The floating dtypes JAX's ann tests run on ({@code jtu.dtypes.all_floating}). */
    static final List<DataType> FLOATING = List.of(DataType.FLOAT, DataType.DOUBLE, DataType.HALF, DataType.BFLOAT16);

    /** Those of {@link #FLOATING} the target's backend declares ({@code Capabilities.dtypes}). */
    static List<DataType> floating(Target t) {
        return FLOATING.stream().filter(d -> t.dtypes().contains(switch (d) {
            case DOUBLE -> io.ann4j.compiler.ir.DType.F64;
            case HALF -> io.ann4j.compiler.ir.DType.F16;
            case BFLOAT16 -> io.ann4j.compiler.ir.DType.BF16;
            default -> io.ann4j.compiler.ir.DType.F32;
        })).toList();
    }

    // ---- devices ----

    /** Every available backend's device count now, to put back after a test. */
    static java.util.Map<String, Integer> deviceCounts() {
        java.util.Map<String, Integer> m = new java.util.HashMap<>();
        for (String b : backendsUnderTest()) {
            m.put(b, Backends.get(b).devices().count());
        }
        return m;
    }

    /** Gives every available backend {@code n} devices for pmap. */
    static void setDeviceCounts(int n) {
        for (String b : backendsUnderTest()) {
            Backends.get(b).devices().setCount(n);
        }
    }

    /** Puts back counts saved by {@link #deviceCounts()}. */
    static void restoreDeviceCounts(java.util.Map<String, Integer> saved) {
        saved.forEach((b, n) -> Backends.get(b).devices().setCount(n));
    }
}
