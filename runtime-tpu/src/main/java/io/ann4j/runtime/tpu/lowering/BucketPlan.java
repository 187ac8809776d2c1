package io.ann4j.runtime.tpu.lowering;

/**
 * How a bucketed top-k splits a reduced dimension of size {@code n}: {@code buckets} interleaved
 * buckets (element {@code j} in bucket {@code j mod buckets}), the best {@code perBucket} of each,
 * then an exact top-{@code outSize} of the {@code buckets * perBucket} candidates. One bucket
 * is the exact top-k itself.
 *
 * @param buckets        B, a divisor of {@code n} (so the reshape needs no padding)
 * @param perBucket      k'
 * @param expectedRecall {@link BucketRecall#expected} for the op's k
 */
public record BucketPlan(int n, int buckets, int perBucket, double expectedRecall) {
    /** Auto plans consider k' up to this: XLA's GPU TopK kernel serves k up to 16, a sort beyond. */
    static final int MAX_AUTO_PER_BUCKET = 16;

    /** The candidates the final top-k reads per row. */
    public int candidates() {
        return buckets * perBucket;
    }

    /** Whether this is the exact top-k (one bucket, no second stage). */
    public boolean exact() {
        return buckets == 1;
    }

    /**
     * The plan for a top-{@code k} of {@code outSize} results (k, or JAX's larger output size when
     * {@code aggregateToTopk} is false) over {@code n} elements at {@code target}: the exact
     * top-k (one bucket) when no bucketed plan reaches the target with fewer candidates than
     * the dimension (or with the requested k').
     *
     * <p>Each k' (the requested one, else 1 to min(k, 16)) gets the fewest buckets that reach the
     * target ({@link BucketRecall#fewestBuckets}), raised to the next divisor of {@code n}. Of
     * these plans and the exact top-k, the one with the least estimated work wins: {@code n * (1
     * + log2 k')} for the per-bucket pass (each element is compared into a sorted list of k'; k' =
     * 1 is a plain max) plus {@code candidates * (1 + log2 outSize)} for the final top-k. The
     * model is a first guess: it has not been measured on a GPU yet, and {@code tpu.bucketK}
     * fixes k' where a measurement says otherwise.
     *
     * @param requestedPerBucket k' to use, or 0 for the estimate's choice
     */
    public static BucketPlan choose(int n, int k, int outSize, double target, int requestedPerBucket) {
        if (k < 1 || outSize < k || n < outSize) {
            throw new IllegalArgumentException("BucketPlan: need 1 <= k <= outSize <= n, got k=" + k + ", outSize=" + outSize + ", n=" + n);
        }
        BucketPlan exact = new BucketPlan(n, 1, outSize, 1.0);
        BucketPlan best = requestedPerBucket == 0 ? exact : null;
        double bestCost = best == null ? Double.MAX_VALUE : work(best, outSize);
        int from = requestedPerBucket == 0 ? 1 : requestedPerBucket;
        int to = requestedPerBucket == 0 ? Math.min(k, MAX_AUTO_PER_BUCKET) : requestedPerBucket;
        for (int perBucket = from; perBucket <= to; perBucket++) {
            int fewest = BucketRecall.fewestBuckets(k, perBucket, target, n / perBucket);
            if (fewest < 0) {
                continue;
            }
            int buckets = nextDivisor(n, Math.max(2, fewest), perBucket);
            if (buckets < 0 || (long) buckets * perBucket < outSize || (long) buckets * perBucket >= n) {
                continue;
            }
            BucketPlan p = new BucketPlan(n, buckets, perBucket, BucketRecall.expected(k, buckets, perBucket));
            double cost = work(p, outSize);
            if (cost < bestCost) {
                best = p;
                bestCost = cost;
            }
        }
        return best == null ? exact : best;
    }

    /** The estimated work of a plan, in element comparisons (see {@link #choose}). */
    static double work(BucketPlan p, int outSize) {
        double perElement = 1 + log2(p.perBucket());
        return p.exact() ? p.n() * perElement : p.n() * perElement + p.candidates() * (1 + log2(outSize));
    }

    private static double log2(int x) {
        return Math.log(x) / Math.log(2);
    }

    /** The smallest divisor of {@code n} at least {@code from} leaving buckets of at least {@code perBucket}; -1 if none. */
    static int nextDivisor(int n, int from, int perBucket) {
        for (int b = from; (long) b * perBucket <= n; b++) {
            if (n % b == 0) {
                return b;
            }
        }
        return -1;
    }
}
