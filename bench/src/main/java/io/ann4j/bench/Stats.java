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

    /**
     * Median milliseconds of each body, measured side by side: one warm-up call each, then
     * {@code runs} rounds that call every body once in turn, so that a drift in the machine's
     * speed (other load, frequency) touches every figure alike and their ratios stay fair.
     */
    static double[] interleavedMedianMs(int runs, java.util.List<Runnable> bodies) {
        bodies.forEach(Runnable::run);
        double[][] ms = new double[bodies.size()][runs];
        for (int r = 0; r < runs; r++) {
            for (int i = 0; i < bodies.size(); i++) {
                long t0 = System.nanoTime();
                bodies.get(i).run();
                ms[i][r] = (System.nanoTime() - t0) / 1e6;
            }
        }
        double[] medians = new double[bodies.size()];
        for (int i = 0; i < medians.length; i++) {
            Arrays.sort(ms[i]);
            medians[i] = runs % 2 == 1 ? ms[i][runs / 2] : (ms[i][runs / 2 - 1] + ms[i][runs / 2]) / 2;
        }
        return medians;
    }

    /** Milliseconds of one call, returning its result through {@code out}. */
    static <T> double onceMs(Supplier<T> body, Object[] out) {
        long t0 = System.nanoTime();
        out[0] = body.get();
        return (System.nanoTime() - t0) / 1e6;
    }
}
