package io.ann4j.runtime.cpu.search;

/**
 * Which product a search over a half-precision database runs on.
 * <ul>
 *   <li>{@code onednn-bf16}: oneDNN's bf16 x bf16 -> f32 gemm ({@code dnnl_gemm_bf16bf16f32}) on a
 *   CPU with bf16 dot-product instructions ({@code avx512_bf16} or {@code amx_bf16}): twice the
 *   f32 product rate and half the bytes (measured on a Zen 4: ~62 against ~120 ms at Q=1024, N=100,000, D=128).
 *   Queries are rounded to bf16 (nearest even, as JAX converts), an f16 database tile by tile.</li>
 *   <li>{@code converted-f32}: each database tile widened to f32 (exact) and multiplied by the f32
 *   product; the path of CPUs without those instructions, and of exact searches.</li>
 * </ul>
 * The option {@value SearchOptions#HALF} {@code = converted} (default {@code ann4j.cpu.half}) forces the second (for comparisons).
 */
public final class HalfProducts {
    /** The bench's {@code path} names. */
    public static final String BF16_GEMM = "onednn-bf16";
    public static final String CONVERTED = "converted-f32";

    private static final boolean BF16_INSTRUCTIONS = bf16Instructions(CpuFeatures.flags());

    private HalfProducts() {}

    /** Whether this CPU multiplies bf16 in hardware (read from {@code /proc/cpuinfo}). */
    public static boolean bf16Instructions() {
        return BF16_INSTRUCTIONS;
    }

    /** Whether a CPU with these flags multiplies bf16 in hardware. */
    static boolean bf16Instructions(java.util.Set<String> cpu) {
        return CpuFeatures.hasAny(cpu, "avx512_bf16", "amx_bf16");
    }

    /** Whether approximate searches over a half database run on the bf16 gemm, by default ({@link CpuDefaults#HALF}). */
    public static boolean usesBf16Gemm() {
        return usesBf16Gemm(CpuDefaults.HALF);
    }

    /** Whether they do with {@value SearchOptions#HALF} set to {@code half} ({@code auto} or {@code converted}). */
    static boolean usesBf16Gemm(String half) {
        return usesBf16Gemm(BF16_INSTRUCTIONS, OneDnn.available(), half);
    }

    /** The rule of {@link #usesBf16Gemm()}, for any CPU (tests fake the features). */
    static boolean usesBf16Gemm(boolean bf16Instructions, boolean oneDnn, String half) {
        return bf16Instructions && oneDnn && !"converted".equals(half);
    }

    /** The path an approximate search over a half database takes here. */
    public static String path() {
        return usesBf16Gemm() ? BF16_GEMM : CONVERTED;
    }
}
