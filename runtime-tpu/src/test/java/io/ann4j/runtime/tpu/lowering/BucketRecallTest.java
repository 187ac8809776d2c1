package io.ann4j.runtime.tpu.lowering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The recall formula against hand-computed values, the papers' worked example, and its limits. */
class BucketRecallTest {
    @Test
    void oneFromEachBucketLosesAnItemForEveryBetterOneInItsBucket() {
        // k' = 1: item i + 1 is kept iff none of the i better ones shares its bucket: (1 - 1/B)^i
        double sum = 0;
        for (int i = 0; i < 10; i++) {
            sum += Math.pow(1 - 1 / 50.0, i);
        }
        assertEquals(sum / 10, BucketRecall.expected(10, 50, 1), 1e-12);
    }

    @Test
    void twoFromEachBucketByHand() {
        // K = 3, B = 2, k' = 2: items 1 and 2 always kept; item 3 lost iff both better ones share its bucket (1/4)
        assertEquals((2 + 0.75) / 3, BucketRecall.expected(3, 2, 2), 1e-12);
    }

    @Test
    void theIssuesWorkedExampleForTopTenAtRecall095() {
        // "k'=2 needs ~14 buckets (28 candidates) and k'=4 ~4 buckets (16)"
        assertEquals(14, BucketRecall.fewestBuckets(10, 2, 0.95, 1 << 20));
        assertEquals(4, BucketRecall.fewestBuckets(10, 4, 0.95, 1 << 20));
        int one = BucketRecall.fewestBuckets(10, 1, 0.95, 1 << 20);
        assertTrue(one > 80 && one < 100, "k'=1 needs " + one + " buckets");
    }

    @Test
    void limits() {
        assertEquals(1.0, BucketRecall.expected(10, 3, 10));
        assertEquals(0.3, BucketRecall.expected(10, 1, 3), 1e-12); // one bucket keeps its best k'
        assertEquals(-1, BucketRecall.fewestBuckets(10, 1, 0.999, 50));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BucketRecall.expected(10, 0, 1));
        assertTrue(e.getMessage().contains("buckets=0"), e.getMessage());
    }

    @Property(tries = 200)
    void recallGrowsWithTheBucketsAndTheKeptPerBucket(@ForAll @IntRange(min = 1, max = 64) int k,
            @ForAll @IntRange(min = 1, max = 500) int buckets, @ForAll @IntRange(min = 1, max = 16) int perBucket) {
        double r = BucketRecall.expected(k, buckets, perBucket);
        assertTrue(r > 0 && r <= 1, "recall " + r);
        assertTrue(BucketRecall.expected(k, buckets + 1, perBucket) >= r - 1e-12, "more buckets never lose recall");
        assertTrue(BucketRecall.expected(k, buckets, perBucket + 1) >= r - 1e-12, "more per bucket never loses recall");
    }
}
