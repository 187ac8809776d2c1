package io.ann4j.compiler.passes;

import java.util.Map;

/**
 * Options of one compilation. {@code fuse} turns the fusion pass on (the default) or off (tests
 * compare both); {@code backendOptions} are read by the backend, e.g. the CPU backend's
 * {@code cpu.selection} = {@code threshold} or {@code bins}.
 */
public record CompileOptions(boolean fuse, Map<String, String> backendOptions) {
    public CompileOptions {
        backendOptions = Map.copyOf(backendOptions);
    }

    public static CompileOptions defaults() {
        return new CompileOptions(true, Map.of());
    }

    public CompileOptions withFusion(boolean on) {
        return new CompileOptions(on, backendOptions);
    }

    public CompileOptions with(String key, String value) {
        var m = new java.util.HashMap<>(backendOptions);
        m.put(key, value);
        return new CompileOptions(fuse, m);
    }

    public String option(String key, String fallback) {
        return backendOptions.getOrDefault(key, fallback);
    }
}
