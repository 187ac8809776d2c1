package io.ann4j.runtime.cpu.search;

/**
 * How many candidates per query the int8 pass keeps for exact re-ranking, from the recall target:
 * {@code C = k} up to a target of 0.85, else {@code C = max(k + 2, ceil(factor(target) * k))}; at
 * least the output size, at most the database. The factors are
 * calibrated by measured recall against exact f32 search (see the README's calibration table):
 * the smallest factor whose recall met the target, with margin, on random Gaussian, clustered and
 * real (word embedding) data.
 */
public final class Int8Candidates {
    private Int8Candidates() {}

    /** The candidate factor (times k) for a recall target above 0.85 and below 1. */
    static double factor(double recallTarget) {
        if (recallTarget <= 0.9) {
            return 1.2;
        }
        if (recallTarget <= 0.95) {
            return 1.5;
        }
        if (recallTarget <= 0.99) {
            return 2;
        }
        return 4;
    }

    /**
     * Candidates per query for {@code outSize} results of a top-{@code k} at {@code recallTarget}
     * over {@code n} rows, or the count {@code option} asks for ({@code auto}: the table).
     */
    public static int candidates(int k, int outSize, double recallTarget, int n, String option) {
        int c;
        if (!option.equals("auto")) {
            c = Integer.parseInt(option);
        } else if (recallTarget <= 0.85) {
            c = k; // measured: at least 0.9595 of the exact top 10 with no candidates beyond k
        } else {
            c = Math.max(k + 2, (int) Math.ceil(factor(recallTarget) * k));
        }
        return Math.min(n, Math.max(outSize, c));
    }
}
