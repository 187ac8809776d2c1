package io.ann4j.compiler.spi;

import java.util.List;
import java.util.Map;

/**
 * What a backend promises about its results, declared by the backend so that a conformance suite
 * checks each backend against its own promises and never against its name.
 *
 * @param totalOrder     whether top-k and sorts follow ann4j's total order (-NaN < -inf < ... <
 *                       -0.0 < +0.0 < ... < +inf < +NaN, ties to the lower index). A backend that
 *                       orders by JAX's emitted comparator instead (a plain GT or LT, as a TPU
 *                       does: NaN and ties unordered) says false
 * @param configurations the option sets worth checking, each a distinct algorithm (at least one)
 * @param dtypes         the floating dtypes its searches take (f32 always; f64, f16, bf16 where supported)
 */
public record Capabilities(boolean totalOrder, List<Configuration> configurations, java.util.Set<io.ann4j.compiler.ir.DType> dtypes) {
    public Capabilities {
        configurations = List.copyOf(configurations);
        dtypes = java.util.Set.copyOf(dtypes);
        if (configurations.isEmpty()) {
            throw new IllegalArgumentException("a backend declares at least one configuration");
        }
        if (!dtypes.contains(io.ann4j.compiler.ir.DType.F32)) {
            throw new IllegalArgumentException("a backend takes f32 at least; declared " + dtypes);
        }
    }

    /** Every floating dtype. */
    public static final java.util.Set<io.ann4j.compiler.ir.DType> ALL_FLOATING = java.util.Set.of(io.ann4j.compiler.ir.DType.F32,
            io.ann4j.compiler.ir.DType.F64, io.ann4j.compiler.ir.DType.F16, io.ann4j.compiler.ir.DType.BF16);

    /** A backend that takes every floating dtype. */
    public Capabilities(boolean totalOrder, List<Configuration> configurations) {
        this(totalOrder, configurations, ALL_FLOATING);
    }

    /**
     * One way of running the backend.
     *
     * @param label     a short name for test reports ({@code threshold}, {@code bins})
     * @param options   the options that select it (keys in the backend's namespace)
     * @param exactTopK whether every approximate top-k then returns the exact top-k (recall 1)
     * @param recallInExpectation whether the recall target is met in expectation only (a plan
     *                  sized by the expected recall, as the bucketed top-k for GPUs is), so that
     *                  a sample of queries may fall short of it by its sampling error; false
     *                  promises the target on average over the conformance kit's samples (a
     *                  conservative plan, as XLA's for the TPU)
     */
    public record Configuration(String label, Map<String, String> options, boolean exactTopK, boolean recallInExpectation) {
        public Configuration {
            options = Map.copyOf(options);
        }

        /** A configuration that meets its recall targets on average over samples (not only in expectation). */
        public Configuration(String label, Map<String, String> options, boolean exactTopK) {
            this(label, options, exactTopK, false);
        }
    }

    /** The total order, and one configuration (the default options) with no promise of exactness. */
    public static Capabilities defaults() {
        return new Capabilities(true, List.of(new Configuration("default", Map.of(), false)));
    }
}
