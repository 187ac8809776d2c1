package io.ann4j.runtime.cpu.search;

/**
 * Whether this CPU runs the int8 product of approximate searches: oneDNN's u8 x s8 -> s32 gemm on
 * VNNI ({@code avx512_vnni}, {@code avx_vnni} or {@code amx_int8} in {@code /proc/cpuinfo}), 64
 * multiply-adds per 512-bit instruction against 16 for f32 FMA, and a quarter of the f32 bytes to
 * read. Without VNNI, oneDNN multiplies u8 x s8 pairs into 16 bits with saturation, which would
 * corrupt the scores of our full-range codes, so the search keeps its exact f32 product there
 * (the {@code f32 (no VNNI)} path): correct, at f32 speed.
 */
public final class Int8Products {
    /** The bench's {@code path} names. */
    public static final String INT8_RERANK = "int8+rerank";
    public static final String F32 = "f32";

    private static final boolean VNNI = vnni(CpuFeatures.flags());

    private Int8Products() {}

    /** Whether the CPU has VNNI instructions. */
    public static boolean vnni() {
        return VNNI;
    }

    /** Whether a CPU with these flags has VNNI instructions (512-bit, 256-bit or AMX). */
    static boolean vnni(java.util.Set<String> cpu) {
        return CpuFeatures.hasAny(cpu, "avx512_vnni", "avx_vnni", "amx_int8");
    }

    /** Whether an approximate search may take the int8 product here ({@code product} = the option's value). */
    public static boolean usable(String product) {
        return usable(product, VNNI, OneDnn.available());
    }

    /** The rule of {@link #usable(String)}, for any CPU (tests fake the features). */
    static boolean usable(String product, boolean vnni, boolean oneDnn) {
        return switch (product) {
            case "f32" -> false;
            case "int8" -> oneDnn;
            default -> vnni && oneDnn;
        };
    }

    /** The path approximate f32 searches take here with the default options, for the bench. */
    public static String path() {
        if (usable("auto")) {
            return INT8_RERANK;
        }
        return F32 + (VNNI ? " (oneDNN: " + OneDnn.unavailableReason() + ")" : " (no VNNI)");
    }
}
