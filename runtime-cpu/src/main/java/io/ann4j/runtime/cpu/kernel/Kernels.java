package io.ann4j.runtime.cpu.kernel;

/**
 * The process's kernel cache: one compiled {@link TileScanner} per (epilogue, direction),
 * persisted in the directory named by {@code ann4j.cache.dir} / {@code ANN4J_CACHE_DIR} when one
 * is set (see {@link KernelCache}).
 */
public final class Kernels {
    private static volatile KernelCache cache = new KernelCache(KernelCache.configuredDirectory());

    private Kernels() {}

    /** The vectorised scanner for an f32 epilogue, generated and compiled on first use. */
    public static TileScanner scanner(Epilogue epilogue, boolean isMax) {
        return cache.scanner(epilogue, isMax);
    }

    /**
     * Loads the seed's search kernel where it is bundled or cached, then runs on a few lanes the
     * Vector API operations of the generated kernels (see {@link KernelWarmup}); for {@link
     * io.ann4j.compiler.spi.Prewarm}'s thread.
     */
    public static void prewarm() {
        if (KernelWarmup.run() == Long.MIN_VALUE) {
            throw new AssertionError(); // keeps the warm-up's values alive
        }
    }

    /**
     * Runs {@code action} with kernel compilation refused on this thread: a kernel neither in
     * memory, nor bundled, nor in the persistent cache throws {@link KernelCache.NotCompiled}
     * instead of running javac. The prewarm thread loads the seed's kernel this way, so that it
     * never spends a core on javac or writes to the user's cache.
     */
    public static void withoutCompiling(Runnable action) {
        KernelCache.COMPILE_REFUSED.set(Boolean.TRUE);
        try {
            action.run();
        } finally {
            KernelCache.COMPILE_REFUSED.remove();
        }
    }

    /** The cache in use (its counters say how many kernels were compiled or read from disk). */
    public static KernelCache cache() {
        return cache;
    }

    /**
     * Sets the directory of the persistent cache (null: memory only). Kernels compiled so far are
     * forgotten, so that the next call reads or fills the new directory.
     */
    public static void setCacheDirectory(java.nio.file.Path directory) {
        cache = new KernelCache(directory);
    }

    /** The generated source for an epilogue (for inspection and tests). */
    public static String source(Epilogue epilogue, boolean isMax) {
        return KernelGenerator.generate("Scan", epilogue, isMax).toString();
    }
}
