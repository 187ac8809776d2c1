package io.ann4j.runtime.cpu.search;

import java.util.function.Supplier;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fused searches run one BLAS call per tile on each of our worker threads, so OpenBLAS must not
 * start threads of its own (2 workers x 2 BLAS threads on 2 cores oversubscribes). While any
 * fused search runs, OpenBLAS is set to one thread; the last one out restores the setting.
 */
final class BlasThreads {
    private static int active;
    private static int saved;

    private BlasThreads() {}

    /** Runs {@code work} with OpenBLAS on one thread if {@code source} calls it, else as it is. */
    static <T> T singleThreadedFor(TileSource source, Supplier<T> work) {
        return source.usesOpenBlas() && !source.parallelInside() ? singleThreaded(work) : work.get();
    }

    static <T> T singleThreaded(Supplier<T> work) {
        enter();
        try {
            return work.get();
        } finally {
            exit();
        }
    }

    private static synchronized void enter() {
        if (active++ == 0) {
            saved = Nd4j.factory().blas().getMaxThreads();
            Nd4j.factory().blas().setMaxThreads(1);
        }
    }

    private static synchronized void exit() {
        if (--active == 0) {
            Nd4j.factory().blas().setMaxThreads(saved);
        }
    }
}
