package io.ann4j.runtime.cpu.kernel;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The kernel cache: one compiled {@link TileScanner} per (epilogue, direction), shared by every
 * executable of the process. Keyed on the kernel's signature, never on a class loader.
 */
public final class Kernels {
    private static final Map<String, TileScanner> CACHE = new ConcurrentHashMap<>();

    private Kernels() {}

    /** The vectorised scanner for an f32 epilogue, generated and compiled on first use. */
    public static TileScanner scanner(Epilogue epilogue, boolean isMax) {
        String signature = epilogue + (isMax ? "|max" : "|min");
        return CACHE.computeIfAbsent(signature, s -> compile(epilogue, isMax, s));
    }

    private static TileScanner compile(Epilogue epilogue, boolean isMax, String signature) {
        String simple = "Scan_" + Integer.toHexString(signature.hashCode()) + "_" + signature.length();
        String binary = KernelGenerator.PACKAGE + "." + simple;
        String source = KernelGenerator.generate(simple, epilogue, isMax).toString();
        Map<String, byte[]> classes = KernelCompiler.compile(binary, source);
        try {
            Class<?> cls = new KernelCompiler.Loader(classes).loadClass(binary);
            return (TileScanner) cls.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot load generated kernel " + binary, e);
        }
    }

    /** The generated source for an epilogue (for inspection and tests). */
    public static String source(Epilogue epilogue, boolean isMax) {
        return KernelGenerator.generate("Scan", epilogue, isMax).toString();
    }
}
