package io.ann4j.runtime.tpu.pjrt;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which PJRT plugin the TPU backend runs on, if any: the system property {@code ann4j.pjrt.plugin}
 * or else the environment variable {@code ANN4J_PJRT_PLUGIN} (a path such as {@code
 * /path/to/libtpu.so}), and the platform it drives, {@code ann4j.pjrt.platform} / {@code
 * ANN4J_PJRT_PLATFORM} = {@code tpu}, {@code cuda} or {@code cpu}. The platform decides the
 * lowering: {@code tpu} emits {@code ApproxTopK} for the TPU, the others with {@code is_fallback =
 * true} (XLA's sort-based fallback, as JAX emits for CPU and GPU). Without the property it is
 * guessed from the plugin's file name ({@code tpu}, {@code cuda}/{@code gpu}, {@code cpu} in it),
 * else {@code tpu}. Options for the plugin's client come from {@code ann4j.pjrt.options} / {@code
 * ANN4J_PJRT_OPTIONS}, e.g. {@code preallocate=false,memory_fraction=0.5} ({@link
 * PjrtOption#parseList}).
 *
 * @param plugin        the plugin library
 * @param platform      {@code tpu}, {@code cuda} or {@code cpu}
 * @param clientOptions passed to {@code PJRT_Client_Create}
 */
public record PjrtConfig(Path plugin, String platform, List<PjrtOption> clientOptions) {
    public static final String PLUGIN_PROPERTY = "ann4j.pjrt.plugin";
    public static final String PLUGIN_ENV = "ANN4J_PJRT_PLUGIN";
    public static final String PLATFORM_PROPERTY = "ann4j.pjrt.platform";
    public static final String PLATFORM_ENV = "ANN4J_PJRT_PLATFORM";
    public static final String OPTIONS_PROPERTY = "ann4j.pjrt.options";
    public static final String OPTIONS_ENV = "ANN4J_PJRT_OPTIONS";

    /** A plugin and platform with the plugin's default client options. */
    public PjrtConfig(Path plugin, String platform) {
        this(plugin, platform, List.of());
    }

    public PjrtConfig {
        clientOptions = List.copyOf(clientOptions);
        if (!platform.equals("tpu") && !platform.equals("cuda") && !platform.equals("cpu")) {
            throw new IllegalArgumentException(PLATFORM_PROPERTY + " must be tpu, cuda or cpu, not " + platform);
        }
    }

    /** Whether the lowering is the TPU's (no {@code is_fallback}). */
    public boolean tpu() {
        return platform.equals("tpu");
    }

    /** The configured plugin, or empty when neither the property nor the variable names one. */
    public static Optional<PjrtConfig> fromEnvironment() {
        String plugin = setting(PLUGIN_PROPERTY, PLUGIN_ENV);
        if (plugin == null) {
            return Optional.empty();
        }
        Path path = Path.of(plugin);
        String platform = setting(PLATFORM_PROPERTY, PLATFORM_ENV);
        String options = setting(OPTIONS_PROPERTY, OPTIONS_ENV);
        return Optional.of(new PjrtConfig(path, platform != null ? platform.toLowerCase(Locale.ROOT) : guessPlatform(path),
                options == null ? List.of() : PjrtOption.parseList(options)));
    }

    static String guessPlatform(Path plugin) {
        String file = plugin.getFileName() == null ? "" : plugin.getFileName().toString().toLowerCase(Locale.ROOT);
        if (file.contains("tpu")) {
            return "tpu";
        }
        if (file.contains("cuda") || file.contains("gpu")) {
            return "cuda";
        }
        return file.contains("cpu") ? "cpu" : "tpu";
    }

    private static String setting(String property, String env) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(env);
        }
        return v == null || v.isBlank() ? null : v.trim();
    }
}
