package io.ann4j.runtime.tpu.lowering;

import io.ann4j.compiler.passes.CompileOptions;
import io.ann4j.compiler.spi.BackendOption;
import java.util.List;

/**
 * How the tpu backend lowers {@code approxMaxK}/{@code approxMinK}, from the compile option
 * {@value #OPTION}:
 * <ul>
 *   <li>{@code tpu}: the {@code ApproxTopK} custom call as JAX emits it for a TPU (the TPU's
 *   bins; the emulator runs that algorithm);</li>
 *   <li>{@code bucketed}: for GPUs and other platforms, ops with a recall target below 1 become
 *   a bucketed top-k in plain StableHLO ({@link BucketedTopK}); the others keep the exact
 *   fallback;</li>
 *   <li>{@code fallback}: the custom call with {@code is_fallback = true}, as JAX emits it for
 *   CPUs and GPUs (XLA's exact sort-based top-k), for comparison.</li>
 * </ul>
 * {@code auto} (the default) is {@code tpu} for a TPU plugin and in the emulator, and
 * {@code bucketed} for a {@code cuda} or {@code cpu} plugin. {@value #BUCKET_K} fixes k' (the
 * best kept per bucket), else {@link BucketPlan#choose} picks it.
 */
public enum TpuLowering {
    TPU, BUCKETED, FALLBACK;

    public static final String OPTION = "tpu.lowering";
    public static final String BUCKET_K = "tpu.bucketK";

    /** The options this backend declares. */
    public static List<BackendOption> options() {
        return List.of(new BackendOption(OPTION, "auto, tpu, bucketed or fallback",
                        "auto: tpu on a TPU and in the emulator, bucketed on cuda and cpu plugins"),
                new BackendOption(BUCKET_K, "auto or a count of at least 1", "auto: the plan with the least estimated work"));
    }

    /**
     * The lowering the options ask for.
     *
     * @param tpuPlatform whether the platform underneath is a TPU (true in the emulator)
     */
    public static TpuLowering of(CompileOptions options, boolean tpuPlatform) {
        String v = options.option(OPTION, "auto");
        return switch (v) {
            case "auto" -> tpuPlatform ? TPU : BUCKETED;
            case "tpu" -> TPU;
            case "bucketed" -> BUCKETED;
            case "fallback" -> FALLBACK;
            default -> throw new IllegalArgumentException("option " + OPTION + " must be auto, tpu, bucketed or fallback, not '" + v + "'");
        };
    }

    /** k' from {@value #BUCKET_K}: 0 for auto. */
    public static int bucketK(CompileOptions options) {
        String v = options.option(BUCKET_K, "auto");
        if (v.equals("auto")) {
            return 0;
        }
        try {
            int k = Integer.parseInt(v.trim());
            if (k >= 1) {
                return k;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("option " + BUCKET_K + " must be auto or a count of at least 1, not '" + v + "'");
    }
}
