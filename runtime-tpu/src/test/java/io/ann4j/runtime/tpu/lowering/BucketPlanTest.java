package io.ann4j.runtime.tpu.lowering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class BucketPlanTest {
    @Property(tries = 300)
    void aPlanReachesItsTargetWithBucketsThatDivideTheDimension(@ForAll @IntRange(min = 16, max = 200_000) int n,
            @ForAll @IntRange(min = 1, max = 16) int k, @ForAll @DoubleRange(min = 0.5, max = 0.999) @net.jqwik.api.constraints.Scale(3) double target,
            @ForAll @IntRange(min = 0, max = 8) int requested) {
        BucketPlan p = BucketPlan.choose(n, k, k, target, Math.min(requested, k));
        assertEquals(0, n % p.buckets(), "buckets divide n: " + p);
        assertTrue(p.expectedRecall() >= target || p.exact(), "the target is reached: " + p);
        assertEquals(p.expectedRecall(), BucketRecall.expected(k, p.buckets(), p.perBucket()), 1e-12);
        assertTrue(p.exact() ? p.perBucket() == k : p.candidates() >= k && p.candidates() < n, p.toString());
    }

    @Test
    void aTopOneIsTheExactMaximum() {
        assertTrue(BucketPlan.choose(100_000, 1, 1, 0.9, 0).exact());
    }

    @Test
    void aTopTenOfAMillionUsesBuckets() {
        BucketPlan p = BucketPlan.choose(1_000_000, 10, 10, 0.95, 0);
        assertTrue(!p.exact() && p.expectedRecall() >= 0.95 && p.candidates() < 1000, p.toString());
        BucketPlan two = BucketPlan.choose(1_000_000, 10, 10, 0.95, 2);
        assertEquals(2, two.perBucket());
        assertEquals(16, two.buckets(), "14 buckets reach 0.95; 16 is the next divisor of 1,000,000");
    }

    @Test
    void aDimensionWithoutUsefulDivisorsStaysExact() {
        assertTrue(BucketPlan.choose(10_007, 10, 10, 0.95, 0).exact(), "10,007 is prime");
    }
}
