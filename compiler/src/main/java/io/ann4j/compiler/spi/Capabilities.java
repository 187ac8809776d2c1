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
 */
public record Capabilities(boolean totalOrder, List<Configuration> configurations) {
    public Capabilities {
        configurations = List.copyOf(configurations);
        if (configurations.isEmpty()) {
            throw new IllegalArgumentException("a backend declares at least one configuration");
        }
    }

    /**
     * One way of running the backend.
     *
     * @param label     a short name for test reports ({@code threshold}, {@code bins})
     * @param options   the options that select it (keys in the backend's namespace)
     * @param exactTopK whether every approximate top-k then returns the exact top-k (recall 1)
     */
    public record Configuration(String label, Map<String, String> options, boolean exactTopK) {
        public Configuration {
            options = Map.copyOf(options);
        }
    }

    /** The total order, and one configuration (the default options) with no promise of exactness. */
    public static Capabilities defaults() {
        return new Capabilities(true, List.of(new Configuration("default", Map.of(), false)));
    }
}
