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
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * Compiled kernels by signature: in memory for the process, and optionally in a directory that
 * outlives it (like JAX's persistent compilation cache), so that a second process skips javac.
 *
 * <p>An entry's file name is a 64-bit hash (CRC-32C and CRC-32, both intrinsics) of its key:
 * the kernel's signature, the JDK version, the entry format and a fingerprint of the generator.
 * The file repeats the whole key, then the class bytes and their checksum; anything that does
 * not match (a corrupt or truncated file, an entry written by another JDK or for another kernel
 * whose name collides) is ignored, recompiled
 * and rewritten, never loaded. Writes go to a temporary file first and are moved into place.
 * The build bundles the entries of the common searches in the jar ({@code
 * META-INF/ann4j/kernels}), read before the directory.
 */
public final class KernelCache {
    private static final String MAGIC = "ann4j-kernel";
    private static final int FORMAT = 3;
    private static final String BUNDLED = "/META-INF/ann4j/kernels/";

    /** Looked up on the first warning only: the logging machinery costs a cold process ~3 ms. */
    private static System.Logger log() {
        return System.getLogger(KernelCache.class.getName());
    }

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

    /** Set on a thread where a missing kernel must not be compiled ({@link Kernels#withoutCompiling}). */
    static final ThreadLocal<Boolean> COMPILE_REFUSED = new ThreadLocal<>();

    /** A kernel that only javac could provide, on a thread where compiling is refused. */
    public static final class NotCompiled extends RuntimeException {
        NotCompiled(String binary) {
            super("kernel " + binary + " is not cached and compiling is refused on this thread", null, false, false);
        }
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
        String binary = KernelGenerator.PACKAGE + "." + simpleName(signature);
        String key = key(signature);
        byte[] bytes = readBundled(key, binary);
        if (bytes == null && directory != null) {
            bytes = readFile(directory.resolve(fileName(key) + ".kernel"), key, binary);
        }
        if (bytes != null) {
            TileScanner s = instantiate(binary, bytes);
            if (s != null) {
                diskHits.incrementAndGet();
                return s;
            }
        }
        if (COMPILE_REFUSED.get() != null) {
            throw new NotCompiled(binary);
        }
        byte[] compiled = compile(epilogue, isMax, signature);
        if (directory != null) {
            writeEntry(directory, key, binary, compiled);
        }
        TileScanner s = instantiate(binary, compiled);
        if (s == null) {
            throw new IllegalStateException("cannot load the kernel just compiled: " + binary);
        }
        return s;
    }

    private byte[] compile(Epilogue epilogue, boolean isMax, String signature) {
        compiles.incrementAndGet();
        String simple = simpleName(signature);
        String binary = KernelGenerator.PACKAGE + "." + simple;
        return KernelCompiler.compile(binary, KernelGenerator.generate(simple, epilogue, isMax).toString()).get(binary);
    }

    /** The kernel's class, or null (and the entry counts as rejected) if it does not load. */
    private TileScanner instantiate(String binary, byte[] bytes) {
        try {
            Class<?> cls = new KernelCompiler.Loader(Map.of(binary, bytes)).loadClass(binary);
            return (TileScanner) cls.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            rejected.incrementAndGet();
            log().log(System.Logger.Level.WARNING, "kernel {0} does not load ({1}); recompiling", binary, e);
            return null;
        }
    }

    /** Entries built with ann4j itself (META-INF/ann4j/kernels), valid only for the same JDK. */
    private byte[] readBundled(String key, String binary) {
        if ("false".equals(System.getProperty("ann4j.cache.bundled"))) {
            return null; // the bench turns them off to measure javac and the directory alone
        }
        try (var in = KernelCache.class.getResourceAsStream(BUNDLED + fileName(key) + ".kernel")) {
            return in == null ? null : parse(in.readAllBytes(), key, binary, "bundled " + fileName(key));
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Compiles the kernels of the common searches into {@code directory}: the build calls it so
     * that the jar carries them (see the runtime-cpu POM) and a fresh process skips javac.
     */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        if (Files.isDirectory(dir)) { // entries of an earlier generator would only bloat the jar
            try (var old = Files.newDirectoryStream(dir, "*.kernel")) {
                for (Path p : old) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("generator.fingerprint"), fingerprint() + "\n", StandardCharsets.US_ASCII);
        KernelCache seed = new KernelCache(dir);
        for (Epilogue e : SEEDED) {
            seed.scanner(e, true);
            seed.scanner(e, false);
        }
        System.out.println("ann4j: " + seed.compiles() + " kernels compiled into " + dir);
    }

    /**
     * The epilogues of MIPS and cosine (the score itself), L2 and exact L2 (its negation), and the
     * first two as an int8 search scans them (its scales in the next column and row slots).
     */
    static final java.util.List<Epilogue> SEEDED = seeded();

    private static java.util.List<Epilogue> seeded() {
        Epilogue score = new Epilogue.Score();
        Epilogue l2 = new Epilogue.Binary(io.ann4j.compiler.ops.BinaryOp.Kind.SUB, new Epilogue.ColumnVector(0), score);
        return java.util.List.of(score, l2, new Epilogue.Unary(io.ann4j.compiler.ops.UnaryOp.Kind.NEG, l2),
                Epilogue.int8Scores(score, 0, 1, 0), Epilogue.int8Scores(l2, 1, 2, 0));
    }

    /** The full JDK build (e.g. 25+36-LTS): class files and intrinsics are only trusted on it. */
    static String jdkVersion() {
        return System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version");
    }

    /**
     * The entry's key: the kernel's signature, the JDK, the entry format and a fingerprint of the
     * generator and of the classes kernels link against, so that a changed generator never
     * reuses an old entry (and a hit needs no source generation).
     */
    private static String key(String signature) {
        return signature + "\n" + jdkVersion() + "\n" + FORMAT + "\n" + Fingerprint.VALUE;
    }

    /**
     * The file name of a key. Not a cryptographic hash on purpose: SHA-256's provider costs a
     * cold process ~25 ms, half the budget of a cached first call, and a name collision is caught
     * by the key the entry repeats.
     */
    private static String fileName(String key) {
        return HexFormat.of().toHexDigits(hash64(key.getBytes(StandardCharsets.UTF_8)));
    }

    /** Initialised on first use, so that the build's {@link #main} records the fingerprint before reading it. */
    private static final class Fingerprint {
        static final String VALUE = builtFingerprint();
    }

    /** Where the build records the generator's fingerprint beside the bundled kernels. */
    private static final String FINGERPRINT_RESOURCE = BUNDLED + "generator.fingerprint";

    /**
     * The fingerprint the build recorded (reading it spares a cold process from loading and
     * hashing the generator's classes, ~9 ms), else computed now (classes built outside Maven).
     */
    private static String builtFingerprint() {
        try (var in = KernelCache.class.getResourceAsStream(FINGERPRINT_RESOURCE)) {
            if (in != null) {
                String recorded = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
                if (recorded.matches("[0-9a-f]{16}")) {
                    return recorded;
                }
            }
        } catch (IOException e) {
            // fall through: compute it
        }
        return fingerprint();
    }

    private static String fingerprint() {
        CRC32C a = new CRC32C();
        CRC32 b = new CRC32();
        for (Class<?> c : new Class<?>[] {KernelGenerator.class, TileScanner.class, SideInputs.class,
                io.ann4j.runtime.cpu.select.RowTopK.class, io.ann4j.runtime.cpu.select.RowBins.class,
                io.ann4j.compiler.ops.TotalOrder.class}) {
            try (var in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
                byte[] bytes = in == null ? new byte[0] : in.readAllBytes();
                a.update(bytes);
                b.update(bytes);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return HexFormat.of().toHexDigits(a.getValue() << 32 | b.getValue());
    }

    /** CRC-32C in the high half, CRC-32 in the low: two independent checks of the same bytes. */
    static long hash64(byte[] data) {
        CRC32C a = new CRC32C();
        a.update(data);
        CRC32 b = new CRC32();
        b.update(data);
        return a.getValue() << 32 | b.getValue();
    }

    /** The file an entry lives in (tests corrupt it on purpose). */
    public Path entryPath(Epilogue epilogue, boolean isMax) {
        return directory.resolve(fileName(key(epilogue + (isMax ? "|max" : "|min"))) + ".kernel");
    }

    private byte[] readFile(Path file, String key, String binary) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return parse(Files.readAllBytes(file), key, binary, file.toString());
        } catch (IOException e) {
            reject(file.toString(), "unreadable (" + e + ")");
            return null;
        }
    }

    /** The class bytes of a valid entry, or null (logged and counted) for anything else. */
    private byte[] parse(byte[] entry, String key, String binary, String where) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(entry))) {
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
                long checksum = in.readLong();
                if (in.read() != -1) {
                    why = "trailing bytes";
                } else if (checksum != hash64(bytes)) {
                    why = "checksum mismatch";
                } else {
                    return bytes;
                }
            }
            reject(where, why);
        } catch (IOException | RuntimeException e) {
            reject(where, "unreadable (" + e + ")");
        }
        return null;
    }

    private void reject(String file, String why) {
        rejected.incrementAndGet();
        log().log(System.Logger.Level.WARNING, "ignoring kernel cache entry {0}: {1}; recompiling", file, why);
    }

    private static void writeEntry(Path directory, String key, String binary, byte[] bytes) {
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
                out.writeLong(hash64(bytes));
            }
            Path tmp = Files.createTempFile(directory, fileName(key), ".tmp");
            Files.write(tmp, buf.toByteArray());
            Files.move(tmp, directory.resolve(fileName(key) + ".kernel"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // A cache that cannot be written only costs the next process a compile.
            log().log(System.Logger.Level.WARNING, "cannot write kernel cache entry in {0}: {1}", directory, e);
        }
    }
}
