package io.ann4j.runtime.cpu.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The prewarm thread's part in the CPU backend: it loads cached kernels and never runs javac. */
class KernelWarmupTest {
    @AfterEach
    void restore() {
        Kernels.setCacheDirectory(KernelCache.configuredDirectory());
    }

    @Test
    void withoutCompilingAMissingKernelIsRefusedAndNothingIsWritten(@TempDir Path dir) {
        KernelCache cache = new KernelCache(dir);
        Kernels.withoutCompiling(() -> assertThrows(KernelCache.NotCompiled.class,
                () -> cache.scanner(KernelCacheTest.L2, true)));
        assertEquals(0, cache.compiles());
        assertTrue(!java.nio.file.Files.exists(cache.entryPath(KernelCacheTest.L2, true)));
        // the refusal is the thread's and ends with the action: the same lookup compiles now
        cache.scanner(KernelCacheTest.L2, true);
        assertEquals(1, cache.compiles());
    }

    @Test
    void prewarmLoadsTheSeedsKernelFromTheCacheSoTheFirstSearchFindsItInMemory(@TempDir Path dir) {
        String bundled = System.getProperty("ann4j.cache.bundled");
        System.setProperty("ann4j.cache.bundled", "false");
        try {
            Kernels.setCacheDirectory(dir);
            Kernels.prewarm(); // empty directory, nothing bundled: no kernel, no javac
            assertEquals(0, Kernels.cache().compiles());
            assertEquals(0, Kernels.cache().diskHits());

            TileScanner compiled = Kernels.scanner(new Epilogue.Score(), true); // a first process fills the cache
            assertEquals(1, Kernels.cache().compiles());

            Kernels.setCacheDirectory(dir); // a second process
            Kernels.prewarm();
            assertEquals(0, Kernels.cache().compiles());
            assertEquals(1, Kernels.cache().diskHits());
            TileScanner found = Kernels.scanner(new Epilogue.Score(), true);
            assertSame(found, Kernels.scanner(new Epilogue.Score(), true));
            assertEquals(1, Kernels.cache().diskHits(), "the search's lookup is served from memory");
            assertEquals(compiled.getClass().getName(), found.getClass().getName());
        } finally {
            if (bundled == null) {
                System.clearProperty("ann4j.cache.bundled");
            } else {
                System.setProperty("ann4j.cache.bundled", bundled);
            }
        }
    }
}
