package io.ann4j.runtime.cpu.kernel;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Compiled kernels by signature: in memory for the process, and optionally in a directory that
 * outlives it (like JAX's persistent compilation cache), so that a second process skips javac.
 *
 * <p>An entry's file name is the SHA-256 of the kernel's source, the JDK version and the entry
 * format. The file repeats those, the class bytes and their SHA-256; anything that does not
 * match (a corrupt or truncated file, an entry written by another JDK) is ignored, recompiled
 * and rewritten, never loaded. Writes go to a temporary file first and are moved into place.
 */
public final class KernelCache {
    private static final String MAGIC = "ann4j-kernel";
    private static final int FORMAT = 1;
    private static final System.Logger LOG = System.getLogger(KernelCache.class.getName());

    private final Path directory;
    private final Map<String, TileScanner> memory = new ConcurrentHashMap<>();
    private final AtomicInteger compiles = new AtomicInteger();
    private final AtomicInteger diskHits = new AtomicInteger();
    private final AtomicInteger rejected = new AtomicInteger();

    /** @param directory where entries persist, or null for memory only */
    public KernelCache(Path directory) {
        this.directory = directory;
    }

    /**
     * The directory named by the system property {@code ann4j.cache.dir}, else by the environment
     * variable {@code ANN4J_CACHE_DIR}, else none.
     */
    public static Path configuredDirectory() {
        String dir = System.getProperty("ann4j.cache.dir");
        if (dir == null || dir.isBlank()) {
            dir = System.getenv("ANN4J_CACHE_DIR");
        }
        return dir == null || dir.isBlank() ? null : Path.of(dir);
    }

    /** The scanner for an epilogue and direction: from memory, from disk, or compiled now. */
    public TileScanner scanner(Epilogue epilogue, boolean isMax) {
        String signature = epilogue + (isMax ? "|max" : "|min");
        return memory.computeIfAbsent(signature, s -> load(epilogue, isMax, s));
    }

    /** javac runs so far (tests and the bench read these). */
    public int compiles() {
        return compiles.get();
    }

    public int diskHits() {
        return diskHits.get();
    }

    /** Entries found on disk but refused (corrupt, truncated or stale). */
    public int rejected() {
        return rejected.get();
    }

    private static String simpleName(String signature) {
        return "Scan_" + Integer.toHexString(signature.hashCode()) + "_" + signature.length();
    }

    private TileScanner load(Epilogue epilogue, boolean isMax, String signature) {
        String simple = simpleName(signature);
        String binary = KernelGenerator.PACKAGE + "." + simple;
        String source = KernelGenerator.generate(simple, epilogue, isMax).toString();
        String key = key(source);
        Map<String, byte[]> classes = directory == null ? null : readEntry(key, binary);
        if (classes != null) {
            diskHits.incrementAndGet();
        } else {
            compiles.incrementAndGet();
            classes = KernelCompiler.compile(binary, source);
            if (directory != null) {
                writeEntry(key, binary, classes.get(binary));
            }
        }
        try {
            Class<?> cls = new KernelCompiler.Loader(classes).loadClass(binary);
            return (TileScanner) cls.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("cannot load generated kernel " + binary, e);
        }
    }

    static String jdkVersion() {
        return Runtime.version().toString();
    }

    private static String key(String source) {
        return HexFormat.of().formatHex(sha256((source + "\n" + jdkVersion() + "\n" + FORMAT).getBytes(StandardCharsets.UTF_8)));
    }

    /** The file an entry lives in (tests corrupt it on purpose). */
    public Path entryPath(Epilogue epilogue, boolean isMax) {
        String simple = simpleName(epilogue + (isMax ? "|max" : "|min"));
        return directory.resolve(key(KernelGenerator.generate(simple, epilogue, isMax).toString()) + ".kernel");
    }

    private Map<String, byte[]> readEntry(String key, String binary) {
        Path file = directory.resolve(key + ".kernel");
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(Files.readAllBytes(file)))) {
            String why = null;
            if (!MAGIC.equals(in.readUTF()) || in.readInt() != FORMAT) {
                why = "not an ann4j kernel entry of format " + FORMAT;
            } else if (!jdkVersion().equals(in.readUTF())) {
                why = "written by another JDK";
            } else if (!key.equals(in.readUTF()) || !binary.equals(in.readUTF())) {
                why = "written for another kernel";
            }
            if (why == null) {
                byte[] bytes = new byte[in.readInt()];
                in.readFully(bytes);
                byte[] digest = new byte[32];
                in.readFully(digest);
                if (in.read() != -1) {
                    why = "trailing bytes";
                } else if (!Arrays.equals(digest, sha256(bytes))) {
                    why = "checksum mismatch";
                } else {
                    return Map.of(binary, bytes);
                }
            }
            reject(file, why);
        } catch (IOException | RuntimeException e) {
            reject(file, "unreadable (" + e + ")");
        }
        return null;
    }

    private void reject(Path file, String why) {
        rejected.incrementAndGet();
        LOG.log(System.Logger.Level.WARNING, "ignoring kernel cache entry {0}: {1}; recompiling", file, why);
    }

    private void writeEntry(String key, String binary, byte[] bytes) {
        try {
            Files.createDirectories(directory);
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(buf)) {
                out.writeUTF(MAGIC);
                out.writeInt(FORMAT);
                out.writeUTF(jdkVersion());
                out.writeUTF(key);
                out.writeUTF(binary);
                out.writeInt(bytes.length);
                out.write(bytes);
                out.write(sha256(bytes));
            }
            Path tmp = Files.createTempFile(directory, key, ".tmp");
            Files.write(tmp, buf.toByteArray());
            Files.move(tmp, directory.resolve(key + ".kernel"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // A cache that cannot be written only costs the next process a compile.
            LOG.log(System.Logger.Level.WARNING, "cannot write kernel cache entry in {0}: {1}", directory, e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
