package io.ann4j.runtime.cpu.search;

/**
 * The CPU backend's system properties, each read once, when the backend first needs one: they
 * are process-wide defaults and tuning knobs, never read again inside a search. What a single
 * function may change is an option of its compile ({@link SearchOptions}), whose defaults some of
 * these are. The README ("System properties") lists them all.
 */
public final class CpuDefaults {
    private CpuDefaults() {}

    /** {@code ann4j.cpu.product}: the default of {@value SearchOptions#PRODUCT} ({@code auto}, {@code int8} or {@code f32}). */
    public static final String PRODUCT = System.getProperty("ann4j.cpu.product", "auto");

    /** {@code ann4j.cpu.smallBatch}: the default of {@value SearchOptions#SMALL_BATCH} ({@code true} unless {@code false}). */
    public static final boolean SMALL_BATCH = !"false".equals(System.getProperty("ann4j.cpu.smallBatch"));

    /** {@code ann4j.cpu.half}: the default of {@value SearchOptions#HALF} ({@code auto}, or {@code converted}). */
    public static final String HALF = "converted".equals(System.getProperty("ann4j.cpu.half")) ? "converted" : "auto";

    /** {@code ann4j.cpu.gemm=openblas}: never call oneDNN (for comparisons); else oneDNN where it loaded. */
    public static final boolean OPENBLAS_ONLY = "openblas".equals(System.getProperty("ann4j.cpu.gemm"));

    /** {@code ann4j.cpu.gemv=workers}: one-query searches run single-threaded gemvs on ann4j's workers. */
    public static final boolean GEMV_ON_WORKERS = "workers".equals(System.getProperty("ann4j.cpu.gemv"));

    /** {@code ann4j.cpu.halfRowDots=false}: small half batches skip the row-dot kernel. */
    public static final boolean HALF_ROW_DOTS = !"false".equals(System.getProperty("ann4j.cpu.halfRowDots"));

    /** {@code ann4j.cpu.tileRows} and {@code tileCols}: the f32 gemm tile (default 1024 x 1024). */
    public static final int TILE_ROWS = Integer.getInteger("ann4j.cpu.tileRows", 1024);
    public static final int TILE_COLS = Integer.getInteger("ann4j.cpu.tileCols", 1024);

    /** {@code ann4j.cpu.halfTileRows} and {@code halfTileCols}: the half-precision gemm tile (default 512 x 1024). */
    public static final int HALF_TILE_ROWS = Integer.getInteger("ann4j.cpu.halfTileRows", 512);
    public static final int HALF_TILE_COLS = Integer.getInteger("ann4j.cpu.halfTileCols", 1024);
}
