package io.ann4j.compiler.spi;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A head start for a process's first call. A cold JVM spends most of that call loading classes,
 * linking call sites and initialising the Vector API: work that does not depend on the user's
 * program. So when the first function is jitted, one daemon thread ({@code ann4j-prewarm}) finds
 * the backend and runs its {@link Backend#prewarm()} (for the CPU: the seed's search kernel read
 * from the cache and the kernels' Vector API operations run once) while the caller traces and
 * runs the passes, which come first on its path. Nothing it does changes a result, and a failure
 * in it is ignored: the caller's own compile meets and reports any real problem.
 *
 * <p>Off with {@code -Dann4j.prewarm=false}.
 */
public final class Prewarm {
    /** The system property that turns the head start off ({@code false}). */
    public static final String PROPERTY = "ann4j.prewarm";

    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private Prewarm() {}

    /**
     * Starts the head start once per process, for the backend called {@code backendName} (null:
     * the default one). Returns at once.
     */
    public static void start(String backendName) {
        if ("false".equalsIgnoreCase(System.getProperty(PROPERTY)) || !STARTED.compareAndSet(false, true)) {
            return;
        }
        Thread thread = new Thread(new Runnable() { // not a lambda: the caller would link it
            @Override
            public void run() {
                Prewarm.run(backendName);
            }
        }, "ann4j-prewarm");
        thread.setDaemon(true);
        thread.start();
    }

    /** Whether {@link #start} has started the thread in this process. */
    public static boolean started() {
        return STARTED.get();
    }

    private static void run(String backendName) {
        try {
            // the caller's first pattern switch (in its trace) would load the class-file API that
            // switch bootstraps generate code with: load it here first
            if (kind(Thread.currentThread()) == 0) {
                return;
            }
            Backend backend = backendName == null ? Backends.defaultBackend() : Backends.get(backendName);
            backend.prewarm();
        } catch (RuntimeException | LinkageError e) {
            // only a head start: nothing depends on it
        }
    }

    /** A pattern switch, run only for its bootstrap (see {@link #run}). */
    private static int kind(Object o) {
        return switch (o) {
            case String s -> s.length();
            case Thread t -> t.getName().length();
            default -> 1;
        };
    }
}
