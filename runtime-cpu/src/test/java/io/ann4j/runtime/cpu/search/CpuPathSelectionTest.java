package io.ann4j.runtime.cpu.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which products the CPU backend picks, by the CPU's features, with the features faked: the
 * flags of real CPU generations as {@code /proc/cpuinfo} lists them. No timing.
 */
class CpuPathSelectionTest {
    private static Set<String> flags(String list) {
        return list.isBlank() ? Set.of() : Set.of(list.trim().split("\\s+"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // cpu, flags, int8 product, bf16 gemm
        "'Zen 4 (family 25)', 'avx2 fma avx512f avx512bw avx512_vnni avx512_bf16', true, true",
        "'Zen 5 (family 26)', 'avx2 fma avx512f avx512_vnni avx_vnni avx512_bf16', true, true",
        "'Skylake-SP', 'avx2 fma avx512f avx512bw avx512vl', false, false",
        "'Cascade Lake', 'avx2 fma avx512f avx512_vnni', true, false",
        "'Sapphire Rapids', 'avx512f avx512_vnni avx512_bf16 amx_int8 amx_bf16 amx_tile', true, true",
        "'Alder Lake (AVX2 only)', 'avx2 fma avx_vnni', true, false",
        "'Zen 2', 'avx2 fma', false, false",
        "'not Linux (no flags)', '', false, false"})
    void productsFollowTheCpusFeatures(String cpu, String list, boolean int8, boolean bf16) {
        Set<String> f = flags(list);
        assertEquals(int8, Int8Products.usable("auto", Int8Products.vnni(f), true), cpu + ": int8 product");
        assertEquals(bf16, HalfProducts.usesBf16Gemm(HalfProducts.bf16Instructions(f), true, null), cpu + ": bf16 gemm");
        // without oneDNN neither runs, whatever the CPU
        assertEquals(false, Int8Products.usable("auto", Int8Products.vnni(f), false), cpu + ": int8 without oneDNN");
        assertEquals(false, HalfProducts.usesBf16Gemm(HalfProducts.bf16Instructions(f), false, null), cpu + ": bf16 without oneDNN");
        // the options override the features
        assertEquals(false, Int8Products.usable("f32", Int8Products.vnni(f), true), cpu + ": cpu.product=f32");
        assertEquals(true, Int8Products.usable("int8", Int8Products.vnni(f), true), cpu + ": cpu.product=int8");
        assertEquals(false, HalfProducts.usesBf16Gemm(HalfProducts.bf16Instructions(f), true, "converted"),
                cpu + ": ann4j.cpu.half=converted");
    }
}
