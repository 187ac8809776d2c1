package io.ann4j.runtime.tpu.lowering;

/**
 * The expected recall of a bucketed top-k (Key et al. 2024, "Approximate Top-k for Increased
 * Parallelism", arXiv 2412.04358): the reduced dimension is split into {@code B} interleaved
 * buckets, each keeps its best {@code k'}, and an exact top-{@code K} of the {@code B * k'}
 * candidates follows. If the true top {@code K} fall into buckets uniformly at random, the
 * {@code (i + 1)}-th best item is lost exactly when at least {@code k'} of the {@code i} better
 * ones share its bucket, so
 *
 * <pre>
 *   E[recall] = (1/K) * [ k' + sum_{i=k'}^{K-1} BinomCDF(k' - 1; i, 1/B) ]
 * </pre>
 *
 * (the first {@code k'} items are always kept). Sampling without replacement (Samaga et al.
 * 2025, arXiv 2506.04165, the hypergeometric form) gives a slightly higher recall when a bucket
 * holds few items; the binomial form is the conservative one and is what plans here. The
 * expectation does not depend on the dimension's size.
 */
public final class BucketRecall {
    private BucketRecall() {}

    /**
     * The expected recall of {@code perBucket} (k') from each of {@code buckets} (B) interleaved
     * buckets for a top-{@code k}.
     */
    public static double expected(int k, int buckets, int perBucket) {
        if (k < 1 || buckets < 1 || perBucket < 1) {
            throw new IllegalArgumentException("BucketRecall: k, buckets and perBucket must be positive, got k=" + k
                    + ", buckets=" + buckets + ", perBucket=" + perBucket);
        }
        if (perBucket >= k) {
            return 1.0;
        }
        double p = 1.0 / buckets;
        double sum = perBucket;
        for (int i = perBucket; i < k; i++) {
            sum += binomialCdf(perBucket - 1, i, p);
        }
        return sum / k;
    }

    /** P(X <= x) for X ~ Binomial(n, p), summed term by term (n is at most k, small). */
    static double binomialCdf(int x, int n, double p) {
        if (p >= 1.0) {
            return x >= n ? 1.0 : 0.0;
        }
        double q = 1.0 - p;
        double term = Math.pow(q, n); // P(X = 0)
        double cdf = term;
        for (int j = 1; j <= Math.min(x, n); j++) {
            term *= (double) (n - j + 1) / j * p / q; // P(X = j) from P(X = j - 1)
            cdf += term;
        }
        return Math.min(1.0, cdf);
    }

    /**
     * The fewest buckets whose expected recall reaches {@code target} with {@code perBucket} from
     * each, searched up to {@code maxBuckets}; -1 if none does. Recall grows with the bucket
     * count, so the first that reaches the target is the fewest.
     */
    public static int fewestBuckets(int k, int perBucket, double target, int maxBuckets) {
        for (int b = 1; b <= maxBuckets; b++) {
            if (expected(k, b, perBucket) >= target) {
                return b;
            }
        }
        return -1;
    }
}
