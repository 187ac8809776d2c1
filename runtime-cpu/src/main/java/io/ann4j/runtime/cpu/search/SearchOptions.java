package io.ann4j.runtime.cpu.search;

import io.ann4j.compiler.passes.CompileOptions;
import io.ann4j.runtime.cpu.quant.Int8Quantizer;

/**
 * The CPU backend's options for fused searches, read and checked once at compile time.
 *
 * @param selection      {@value SelectionPlan#OPTION}: {@code threshold} (default) or {@code bins}
 * @param halfCandidates {@value HalfSearch#CANDIDATES_OPTION}: {@code auto} or a count
 * @param product        {@value #PRODUCT}: {@code auto} (default: int8 for approximate f32 searches
 *                       where the CPU has VNNI), {@code int8} (wherever the search's form allows)
 *                       or {@code f32} (never int8)
 * @param int8Candidates {@value #INT8_CANDIDATES}: {@code auto} (from the recall target,
 *                       {@link Int8Candidates}) or a count per query
 * @param scaling        {@value #INT8_SCALING}: {@code row} (default) or {@code dimension-row}
 * @param smallBatch     {@value #SMALL_BATCH}: {@code true} (default: 4 to 64 f32 queries run the
 *                       small-batch kernel, {@link SmallBatchTiles}) or {@code false} (the gemm tiles)
 * @param half           {@value #HALF}: {@code auto} (default: a half database's approximate search
 *                       on the bf16 gemm where the CPU has it, {@link HalfProducts}) or {@code
 *                       converted} (tiles widened to f32)
 */
public record SearchOptions(String selection, String halfCandidates, String product, String int8Candidates,
                            Int8Quantizer.Scaling scaling, boolean smallBatch, String half) {
    public static final String PRODUCT = "cpu.product";
    public static final String INT8_CANDIDATES = "cpu.int8Candidates";
    public static final String INT8_SCALING = "cpu.int8Scaling";
    public static final String SMALL_BATCH = "cpu.smallBatch";
    public static final String HALF = "cpu.half";

    /** The defaults: threshold selection, automatic candidates and product, per-row scales, and the process's defaults ({@link CpuDefaults}). */
    public static final SearchOptions DEFAULTS = new SearchOptions("threshold", "auto", CpuDefaults.PRODUCT, "auto",
            Int8Quantizer.Scaling.ROW, CpuDefaults.SMALL_BATCH, CpuDefaults.HALF);

    /** These options with {@code cpu.selection} set. */
    public SearchOptions withSelection(String mode) {
        return new SearchOptions(mode, halfCandidates, product, int8Candidates, scaling, smallBatch, half);
    }

    /** These options with {@code cpu.product} set. */
    public SearchOptions withProduct(String p) {
        return new SearchOptions(selection, halfCandidates, p, int8Candidates, scaling, smallBatch, half);
    }

    /** Every option the CPU backend reads, for {@link io.ann4j.compiler.spi.Backend#options()}. */
    public static final java.util.List<io.ann4j.compiler.spi.BackendOption> ALL = java.util.List.of(
            new io.ann4j.compiler.spi.BackendOption(SelectionPlan.OPTION, "threshold or bins", "threshold"),
            new io.ann4j.compiler.spi.BackendOption(HalfSearch.CANDIDATES_OPTION, "auto or a number of candidates per query", "auto"),
            new io.ann4j.compiler.spi.BackendOption(PRODUCT, "auto, int8 or f32", "-Dann4j.cpu.product, else auto"),
            new io.ann4j.compiler.spi.BackendOption(INT8_CANDIDATES, "auto or a number of candidates per query", "auto"),
            new io.ann4j.compiler.spi.BackendOption(INT8_SCALING, "row or dimension-row", "row"),
            new io.ann4j.compiler.spi.BackendOption(SMALL_BATCH, "true or false", "-Dann4j.cpu.smallBatch, else true"),
            new io.ann4j.compiler.spi.BackendOption(HALF, "auto or converted", "-Dann4j.cpu.half, else auto"));

    /** Reads and checks the options; a bad value fails naming the option and what it accepts. */
    public static SearchOptions of(CompileOptions options) {
        String selection = options.option(SelectionPlan.OPTION, "threshold");
        check(SelectionPlan.OPTION, selection, selection.equals("threshold") || selection.equals("bins"),
                "'threshold' or 'bins'");
        String half = options.option(HalfSearch.CANDIDATES_OPTION, "auto");
        check(HalfSearch.CANDIDATES_OPTION, half, isCount(half), "'auto' or a number of candidates per query");
        String product = options.option(PRODUCT, CpuDefaults.PRODUCT);
        check(PRODUCT, product, product.equals("auto") || product.equals("int8") || product.equals("f32"),
                "'auto', 'int8' or 'f32'");
        String int8 = options.option(INT8_CANDIDATES, "auto");
        check(INT8_CANDIDATES, int8, isCount(int8), "'auto' or a number of candidates per query");
        String scaling = options.option(INT8_SCALING, "row");
        check(INT8_SCALING, scaling, scaling.equals("row") || scaling.equals("dimension-row"),
                "'row' or 'dimension-row'");
        String smallBatch = options.option(SMALL_BATCH, String.valueOf(CpuDefaults.SMALL_BATCH));
        check(SMALL_BATCH, smallBatch, smallBatch.equals("true") || smallBatch.equals("false"), "'true' or 'false'");
        String halfProduct = options.option(HALF, CpuDefaults.HALF);
        check(HALF, halfProduct, halfProduct.equals("auto") || halfProduct.equals("converted"), "'auto' or 'converted'");
        return new SearchOptions(selection, half, product, int8, scaling.equals("row")
                ? Int8Quantizer.Scaling.ROW : Int8Quantizer.Scaling.DIMENSION_AND_ROW, smallBatch.equals("true"), halfProduct);
    }

    private static boolean isCount(String v) {
        return v.equals("auto") || v.matches("\\d{1,9}");
    }

    private static void check(String option, String value, boolean ok, String accepted) {
        if (!ok) {
            throw new IllegalArgumentException(option + " must be " + accepted + ", got '" + value + "'");
        }
    }
}
