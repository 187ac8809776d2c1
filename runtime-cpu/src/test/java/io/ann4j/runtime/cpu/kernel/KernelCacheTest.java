package io.ann4j.runtime.cpu.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ann4j.compiler.ops.BinaryOp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelCacheTest {
    /** Not among the kernels the build bundles, so these tests see the directory at work. */
    static final Epilogue L2 = new Epilogue.Binary(BinaryOp.Kind.MUL, new Epilogue.RowVector(0),
            new Epilogue.Binary(BinaryOp.Kind.SUB, new Epilogue.ColumnVector(0), new Epilogue.Score()));

    @Test
    void aSecondCacheOnTheSameDirectoryLoadsInsteadOfCompiling(@TempDir Path dir) {
        KernelCache first = new KernelCache(dir);
        first.scanner(L2, false);
        assertEquals(1, first.compiles());
        assertTrue(Files.exists(first.entryPath(L2, false)));

        KernelCache second = new KernelCache(dir);
        TileScanner s = second.scanner(L2, false);
        assertEquals(0, second.compiles());
        assertEquals(1, second.diskHits());
        assertTrue(s.getClass().getName().startsWith(KernelGenerator.PACKAGE));
    }

    @Test
    void aCorruptEntryIsDetectedRecompiledAndRewritten(@TempDir Path dir) throws IOException {
        new KernelCache(dir).scanner(L2, true);
        Path entry = new KernelCache(dir).entryPath(L2, true);
        byte[] bytes = Files.readAllBytes(entry);
        bytes[bytes.length - 40] ^= 0x5a; // inside the class bytes
        Files.write(entry, bytes);

        KernelCache again = new KernelCache(dir);
        again.scanner(L2, true);
        assertEquals(1, again.rejected());
        assertEquals(1, again.compiles());
        KernelCache third = new KernelCache(dir);
        third.scanner(L2, true);
        assertEquals(0, third.compiles(), "the rewritten entry must be valid");
    }

    @Test
    void truncatedAndForeignEntriesAreNeverLoaded(@TempDir Path dir) throws IOException {
        new KernelCache(dir).scanner(L2, true);
        Path entry = new KernelCache(dir).entryPath(L2, true);
        byte[] bytes = Files.readAllBytes(entry);
        Files.write(entry, Arrays.copyOf(bytes, bytes.length / 2));
        KernelCache truncated = new KernelCache(dir);
        truncated.scanner(L2, true);
        assertEquals(1, truncated.rejected());
        assertEquals(1, truncated.compiles());

        // An entry written by another JDK (the version string inside differs) is stale.
        String text = new String(Files.readAllBytes(entry), StandardCharsets.ISO_8859_1);
        String jdk = KernelCache.jdkVersion();
        String other = jdk.substring(0, jdk.length() - 1) + (jdk.endsWith("9") ? "8" : "9");
        Files.write(entry, text.replace(jdk, other).getBytes(StandardCharsets.ISO_8859_1));
        KernelCache stale = new KernelCache(dir);
        stale.scanner(L2, true);
        assertEquals(1, stale.rejected());
        assertEquals(1, stale.compiles());
    }

    @Test
    void anUnwritableDirectoryOnlyCostsACompile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("not-a-directory");
        Files.writeString(file, "x");
        KernelCache cache = new KernelCache(file);
        cache.scanner(L2, true);
        assertEquals(1, cache.compiles());
    }

    @Test
    void theCommonKernelsComeWithTheBuild() {
        KernelCache none = new KernelCache(null);
        for (Epilogue e : KernelCache.SEEDED) {
            none.scanner(e, true);
            none.scanner(e, false);
        }
        assertEquals(0, none.compiles(), "the build should bundle the MIPS, cosine and L2 kernels");
        assertEquals(2 * KernelCache.SEEDED.size(), none.diskHits());
    }
}
