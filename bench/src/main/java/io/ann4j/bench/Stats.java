package io.ann4j.bench;

import java.util.Arrays;

/** Timing helpers: every figure is the median of several runs after warm-up. */
final class Stats {
    /**
     * Warm-up of side-by-side figures: at least this many untimed rounds, more (up to
     * {@link #MAX_WARMUP_ROUNDS}) until {@link #WARMUP_MS} have passed. The JIT compiles a path's
     * Java code over its first calls while its compiler threads share the 2 cores: measured in a
     * fresh JVM, a Q=1024 search took 883, 251, 163, 173, 167, 154 and then ~143 ms on f32, and
     * 459, 163, 144, 89, 86, 85 and then ~80 ms on a bf16 database. One warm-up call left the
     * half-precision rows, measured after the warm f32 ones, on their third to sixth calls. With
     * 1.5 s of warm-up the f32 search was still ~5% above the time it settled at after ~20 calls
     * (Zen 4, 2026-12), so warm-up lasts 3 s.
     */
    static final int MIN_WARMUP_ROUNDS = 3;
    static final int MAX_WARMUP_ROUNDS = 12;
    static final double WARMUP_MS = 3000;

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
        return median(ms);
    }

    /**
     * Median milliseconds of each body, measured side by side (see {@link #interleavedMs}).
     */
    static double[] interleavedMedianMs(int runs, java.util.List<Runnable> bodies) {
        double[][] ms = interleavedMs(runs, bodies);
        double[] medians = new double[bodies.size()];
        for (int i = 0; i < medians.length; i++) {
            medians[i] = median(ms[i]);
        }
        return medians;
    }

    /**
     * Milliseconds of each body's calls, {@code [body][round]}, measured side by side: warm-up
     * rounds (see {@link #MIN_WARMUP_ROUNDS}), then {@code runs} rounds that call every body once
     * in turn, so that a drift in the machine's speed (other load, frequency) touches every
     * figure alike and their ratios stay fair.
     */
    static double[][] interleavedMs(int runs, java.util.List<Runnable> bodies) {
        return interleavedMs(runs, bodies, 0);
    }

    /**
     * {@link #interleavedMs(int, java.util.List)} with a pause of {@code settleMs} after each
     * timed call: a one-query f32 search runs on OpenBLAS's threads, which then spin ~100 ms and
     * would slow the body timed next (measured: a bf16 search right after one took 0.72x of f32's
     * time, 0.43-0.52x with the threads settled).
     */
    static double[][] interleavedMs(int runs, java.util.List<Runnable> bodies, long settleMs) {
        long warmupStart = System.nanoTime();
        for (int round = 0; round < MAX_WARMUP_ROUNDS; round++) {
            if (round >= MIN_WARMUP_ROUNDS && (System.nanoTime() - warmupStart) / 1e6 >= WARMUP_MS) {
                break;
            }
            bodies.forEach(Runnable::run);
        }
        double[][] ms = new double[bodies.size()][runs];
        for (int r = 0; r < runs; r++) {
            for (int i = 0; i < bodies.size(); i++) {
                long t0 = System.nanoTime();
                bodies.get(i).run();
                ms[i][r] = (System.nanoTime() - t0) / 1e6;
                if (settleMs > 0) {
                    try {
                        Thread.sleep(settleMs);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted", e);
                    }
                }
            }
        }
        return ms;
    }

    /**
     * The median over rounds of {@code ms[r] / baseline[r]}: the ratio of two bodies timed in the
     * same rounds, each round's pair measured seconds apart under the same load. A slow stretch
     * of the machine moves both figures of its round, so this is steadier than the ratio of the
     * two medians, which can come from different rounds.
     */
    static double pairedRatio(double[] ms, double[] baseline) {
        double[] ratios = new double[ms.length];
        for (int r = 0; r < ms.length; r++) {
            ratios[r] = ms[r] / baseline[r];
        }
        return median(ratios);
    }

    /** The median of {@code values} (the mean of the middle two for an even count); sorts a copy. */
    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
