package io.ann4j.compiler.spi;

import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.passes.CompileOptions;

/**
 * A backend lowers optimised graphs (with their fused regions) to executables. Implementations
 * are thread-safe: one backend serves every jitted function of the process.
 */
public interface Backend {
    /** The name users pick it by, e.g. {@code cpu}. */
    String name();

    /**
     * Compiles a graph that has been through {@link io.ann4j.compiler.passes.Pipeline}. Errors in
     * the graph are {@link IllegalArgumentException}s naming the op.
     */
    Executable compile(Graph graph, CompileOptions options);

    /**
     * Loads and initialises, on the calling thread, what this backend's first compile and run in
     * a process are likely to need (classes, static state, cached code), so that {@link
     * Prewarm}'s thread can take that cost while the caller traces. Must be cheap where nothing is
     * cached (never generate code), and must not change any result or hold resources. Errors are
     * ignored. The default does nothing.
     */
    default void prewarm() {}

    /**
     * The options this backend reads, keyed in its own namespace ({@code cpu.selection}); every
     * compile checks the keys it is given against them ({@link BackendOptions#check}). The
     * default declares none.
     */
    default java.util.List<BackendOption> options() {
        return java.util.List.of();
    }

    /**
     * What this backend promises about its results (its order of NaN and ties, which
     * configurations return exact top-k), for conformance suites. The default promises the total
     * order and nothing about exactness.
     */
    default Capabilities capabilities() {
        return Capabilities.defaults();
    }

    /**
     * The devices {@code pmap} maps over when it compiles for this backend. The default is one
     * logical device per core of this host ({@code ann4j.<name>.devices} sets the count).
     */
    default DeviceSet devices() {
        return DefaultDevices.of(name());
    }
}
