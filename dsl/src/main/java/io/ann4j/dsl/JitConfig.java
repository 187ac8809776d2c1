package io.ann4j.dsl;

import io.ann4j.compiler.passes.CompileOptions;
import io.ann4j.compiler.spi.Backends;

/**
 * How a function is compiled: the backend (by name; {@code null} picks the default, see {@link
 * Backends#defaultBackend()}) and the compile options.
 *
 * <pre>{@code
 * Jit.jit(fn, JitConfig.defaults().backend("cpu").option("cpu.selection", "bins"));
 * }</pre>
 */
public record JitConfig(String backendName, CompileOptions options) {

    public static JitConfig defaults() {
        return new JitConfig(null, CompileOptions.defaults());
    }

    public JitConfig backend(String name) {
        return new JitConfig(name, options);
    }

    /** Turns the fusion pass on or off (off runs every op on its own: the reference path). */
    public JitConfig fuse(boolean on) {
        return new JitConfig(backendName, options.withFusion(on));
    }

    /** A backend option, e.g. {@code cpu.selection = bins | threshold}. */
    public JitConfig option(String key, String value) {
        return new JitConfig(backendName, options.with(key, value));
    }
}
