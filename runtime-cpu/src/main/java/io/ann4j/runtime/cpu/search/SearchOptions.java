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
 */
public record SearchOptions(String selection, String halfCandidates, String product, String int8Candidates,
                            Int8Quantizer.Scaling scaling) {
    public static final String PRODUCT = "cpu.product";
    public static final String INT8_CANDIDATES = "cpu.int8Candidates";
    public static final String INT8_SCALING = "cpu.int8Scaling";

    /** The defaults: threshold selection, automatic candidates and product, per-row scales. */
    public static final SearchOptions DEFAULTS = new SearchOptions("threshold", "auto", "auto", "auto",
            Int8Quantizer.Scaling.ROW);

    /** Every option the CPU backend reads, for {@link io.ann4j.compiler.spi.Backend#options()}. */
    public static final java.util.List<io.ann4j.compiler.spi.BackendOption> ALL = java.util.List.of(
            new io.ann4j.compiler.spi.BackendOption(SelectionPlan.OPTION, "threshold or bins", "threshold"),
            new io.ann4j.compiler.spi.BackendOption(HalfSearch.CANDIDATES_OPTION, "auto or a number of candidates per query", "auto"),
            new io.ann4j.compiler.spi.BackendOption(PRODUCT, "auto, int8 or f32", "auto (-Dann4j.cpu.product)"),
            new io.ann4j.compiler.spi.BackendOption(INT8_CANDIDATES, "auto or a number of candidates per query", "auto"),
            new io.ann4j.compiler.spi.BackendOption(INT8_SCALING, "row or dimension-row", "row"));

    /** Reads and checks the options; a bad value fails naming the option and what it accepts. */
    public static SearchOptions of(CompileOptions options) {
        String selection = options.option(SelectionPlan.OPTION, "threshold");
        check(SelectionPlan.OPTION, selection, selection.equals("threshold") || selection.equals("bins"),
                "'threshold' or 'bins'");
        String half = options.option(HalfSearch.CANDIDATES_OPTION, "auto");
        check(HalfSearch.CANDIDATES_OPTION, half, isCount(half), "'auto' or a number of candidates per query");
        String product = options.option(PRODUCT, System.getProperty("ann4j." + PRODUCT, "auto"));
        check(PRODUCT, product, product.equals("auto") || product.equals("int8") || product.equals("f32"),
                "'auto', 'int8' or 'f32'");
        String int8 = options.option(INT8_CANDIDATES, "auto");
        check(INT8_CANDIDATES, int8, isCount(int8), "'auto' or a number of candidates per query");
        String scaling = options.option(INT8_SCALING, "row");
        check(INT8_SCALING, scaling, scaling.equals("row") || scaling.equals("dimension-row"),
                "'row' or 'dimension-row'");
        return new SearchOptions(selection, half, product, int8, scaling.equals("row")
                ? Int8Quantizer.Scaling.ROW : Int8Quantizer.Scaling.DIMENSION_AND_ROW);
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
