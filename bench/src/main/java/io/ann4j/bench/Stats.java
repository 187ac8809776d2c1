package io.ann4j.bench;

import java.util.Arrays;
import java.util.function.Supplier;

/** Timing helpers: every figure is the median of several runs after a warm-up run. */
final class Stats {
    private Stats() {}

    /** Median milliseconds of {@code runs} timed calls, after one untimed warm-up call. */
    static double medianMs(int runs, Runnable body) {
        body.run();
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            body.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return runs % 2 == 1 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2;
    }

    /** Milliseconds of one call, returning its result through {@code out}. */
    static <T> double onceMs(Supplier<T> body, Object[] out) {
        long t0 = System.nanoTime();
        out[0] = body.get();
        return (System.nanoTime() - t0) / 1e6;
    }
}
