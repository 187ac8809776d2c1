package io.ann4j.compiler.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ann4j.compiler.ir.ShapeError;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Scale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The port of XLA's {@code ApproxTopKReductionOutputSize} against worked cases, each re-derived by
 * hand below from XLA's steps, plus its invariants.
 */
class ApproxTopKShapeTest {

    private static ApproxTopKShape.Result plan(long n, int rank, int k, float r, long override) {
        return ApproxTopKShape.outputSize("approxMaxK", n, rank, k, r, false, override);
    }

    /*
     * Hand derivations (T = 128 for rank 2, 1024 for rank 1; m = min(max(floor((1-k)/ln r), T), N);
     * l = floor(log2(floor(NL/m))), then min(l, ceil(log2(floor(N/T)))); out = ceil(ceil(N/T)/2^l)*T):
     *  N=1e6  k=10  r=.95: (1-k)/ln r = 9/0.051293 = 175.5 -> m=175; 1e6/175=5714 -> l=12; floor(1e6/128)=7812 -> cap 13;
     *                      ceil(1e6/128)=7813, ceil(7813/4096)=2 -> 256
     *  N=1e6  k=10  r=.99: 9/0.0100503 = 895.5 -> m=895; 1e6/895=1117 -> l=10; ceil(7813/1024)=8 -> 1024
     *  N=1e5  k=10  r=.95: 1e5/175=571 -> l=9; cap ceil(log2 781)=10; ceil(782/512)=2 -> 256
     *  N=4096 k=10  r=.95: 4096/175=23 -> l=4; cap ceil(log2 32)=5; ceil(32/16)=2 -> 256
     *  N=3000 k=10  r=.95: 3000/175=17 -> l=4; cap ceil(log2 23)=5; ceil(24/16)=2 -> 256
     *  N=500  k=10  r=.95: 500/175=2 -> l=1; cap ceil(log2 3)=2; ceil(4/2)=2 -> 256
     *  N=1e6  k=100 r=.95: 99/0.051293 = 1930.1 -> m=1930; 1e6/1930=518 -> l=9; ceil(7813/512)=16 -> 2048
     *  N=1e6  k=1:         T=128, l=ceil(log2(ceil(1e6/128)=7813))=13
     *  rank 1, N=1e6 k=10 r=.95: m=max(175,1024)=1024; 1e6/1024=976 -> l=9; cap ceil(log2 976)=10;
     *                      ceil(1e6/1024)=977, ceil(977/512)=2 -> 2048
     *  rank 2, N=1024 override 2048 k=10 r=.9: 9/0.10536=85.4 -> m=max(85,128)=128; 2048/128=16 -> l=4;
     *                      cap ceil(log2(1024/128=8))=3 -> l=3; ceil(8/8)=1 -> 128
     *                      (at rank 1 N=1024 <= T=1024 would give 1024: this case is rank 2)
     */
    @ParameterizedTest(name = "N={0} rank={1} k={2} r={3} override={4} -> {5} (log2 {6})")
    @CsvSource({
        "1000000, 2,  10, 0.95,   -1,  256, 12",
        "1000000, 2,  10, 0.99,   -1, 1024, 10",
        " 100000, 2,  10, 0.95,   -1,  256,  9",
        "   4096, 2,  10, 0.95,   -1,  256,  4",
        "   3000, 2,  10, 0.95,   -1,  256,  4",
        "    500, 2,  10, 0.95,   -1,  256,  1",
        "1000000, 2, 100, 0.95,   -1, 2048,  9",
        "1000000, 2,   1, 0.95,   -1,  128, 13",
        "1000000, 1,  10, 0.95,   -1, 2048,  9",
        "   1024, 2,  10, 0.90, 2048,  128,  3",
    })
    void matchesTheWorkedCasesOfTheSemantics(long n, int rank, int k, float r, long override, long out, int log2) {
        ApproxTopKShape.Result res = plan(n, rank, k, r, override);
        assertEquals(new ApproxTopKShape.Result(out, log2), res);
        assertTrue(res.reduces());
    }

    @Test
    void aggregateToTopkOutputsK() {
        ApproxTopKShape.Result res = ApproxTopKShape.outputSize("approxMaxK", 1_000_000, 2, 10, 0.95f, true, -1);
        assertEquals(10, res.outputSize());
        assertEquals(-1, res.log2Reduction());
        assertFalse(res.reduces());
    }

    @ParameterizedTest
    @CsvSource({"2, 128", "2, 1", "2, 100", "1, 1024", "1, 500", "3, 128"})
    void inputNoLargerThanTheTilingIsNotReduced(int rank, long n) {
        assertEquals(new ApproxTopKShape.Result(n, 0), plan(n, rank, 1, 0.95f, -1));
        assertEquals(new ApproxTopKShape.Result(n, 0), plan(n, rank, 10, 0.5f, -1));
    }

    @Test
    void tilingIs1024ForRankOneAnd128Otherwise() {
        assertEquals(1024, ApproxTopKShape.tiling(1));
        assertEquals(128, ApproxTopKShape.tiling(2));
        assertEquals(128, ApproxTopKShape.tiling(5));
    }

    @ParameterizedTest
    @ValueSource(longs = {129, 500, 1_000_000})
    void recallOneKeepsTheWholeDimension(long n) {
        assertEquals(new ApproxTopKShape.Result(n, 0), plan(n, 2, 10, 1.0f, -1));
    }

    @Test
    void tooFewInputsPerBinMeansNoReduction() {
        // N=300, k=10, r=.95: m=175, floor(300/175)=1 -> log2 0 -> the whole dimension.
        assertEquals(new ApproxTopKShape.Result(300, 0), plan(300, 2, 10, 0.95f, -1));
    }

    @Test
    void overrideSmallerThanTheInputIsAnError() {
        ShapeError e = assertThrows(ShapeError.class, () -> plan(4096, 2, 10, 0.95f, 1000));
        assertTrue(e.getMessage().startsWith("approxMaxK: "), e.getMessage());
        assertTrue(e.getMessage().contains("reduction_input_size_override: 1000 should be greater equals to operands[reduction_dim]: 4096"),
                e.getMessage());
    }

    @Test
    void overrideEqualToTheInputIsAccepted() {
        assertEquals(plan(4096, 2, 10, 0.95f, -1), plan(4096, 2, 10, 0.95f, 4096));
    }

    @ParameterizedTest
    @ValueSource(floats = {0f, -0.5f, 1.5f, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY})
    void recallOutsideZeroOneIsAnError(float r) {
        ShapeError e = assertThrows(ShapeError.class, () -> plan(4096, 2, 10, r, -1));
        assertTrue(e.getMessage().contains("recall_target should range in (0,1]"), e.getMessage());
    }

    @Test
    void validationFollowsXlasOrderOfSteps() {
        // XLA returns before validating in these cases; the port does too.
        assertEquals(10, ApproxTopKShape.outputSize("approxMaxK", 4096, 2, 10, 7f, true, 1).outputSize());
        assertEquals(100, plan(100, 2, 10, 7f, 1).outputSize());
        assertEquals(128, plan(4096, 2, 1, 7f, -1).outputSize());
    }

    /**
     * XLA's quirk, kept for parity: with an override much larger than a shard of 129..255 elements,
     * step 8 caps log2 at ceil(log2(floor(N/T) = 1)) = 0 but step 9 still rounds up to 2 tiles, so
     * the output (256) exceeds the input (200) while log2Reduction says "no reduction". XLA's TPU
     * path then returns the operand unreduced (200) and its CPU fallback asks top-k for 256 of 200.
     */
    @Test
    void overrideOnAShardBetweenOneAndTwoTilesGivesXlasOversizedOutput() {
        assertEquals(new ApproxTopKShape.Result(256, 0), plan(200, 2, 10, 0.95f, 100_000));
    }

    @Property(tries = 300)
    void kOfOneReducesToOneTile(@ForAll @LongRange(min = 129, max = 50_000_000) long n,
                                @ForAll @Scale(5) @FloatRange(min = 0.01f, max = 1f) float r) {
        ApproxTopKShape.Result res = plan(n, 2, 1, r, -1);
        assertEquals(128, res.outputSize());
        assertEquals(ApproxTopKShape.log2Ceil(ApproxTopKShape.ceilOfRatio(n, 128)), res.log2Reduction());
    }

    @Property(tries = 500)
    void binsCoverTheInputAndNeverExceedIt(@ForAll @LongRange(min = 1, max = 50_000_000) long n,
                                           @ForAll @IntRange(min = 2, max = 2000) int k,
                                           @ForAll @Scale(5) @FloatRange(min = 0.05f, max = 0.9999f) float r) {
        for (int rank : new int[] {1, 2}) {
            ApproxTopKShape.Result res = plan(n, rank, k, r, -1);
            long out = res.outputSize();
            assertTrue(out <= n, () -> "output " + out + " > input " + n);
            if (res.reduces()) {
                int t = ApproxTopKShape.tiling(rank);
                assertEquals(0, out % t, () -> "output " + out + " is not a multiple of the tiling " + t);
                assertTrue(out << res.log2Reduction() >= n,
                        () -> out + " bins of 2^" + res.log2Reduction() + " do not cover " + n);
            } else {
                assertEquals(n, out);
            }
        }
    }

    @Property(tries = 500)
    void higherRecallNeverShrinksTheOutput(@ForAll @LongRange(min = 129, max = 50_000_000) long n,
                                           @ForAll @IntRange(min = 2, max = 2000) int k,
                                           @ForAll @Scale(5) @FloatRange(min = 0.05f, max = 0.999f) float r1,
                                           @ForAll @Scale(5) @FloatRange(min = 0.05f, max = 0.999f) float r2) {
        float lo = Math.min(r1, r2);
        float hi = Math.max(r1, r2);
        assertTrue(plan(n, 2, k, lo, -1).outputSize() <= plan(n, 2, k, hi, -1).outputSize());
    }

    @Test
    void log2HelpersMatchXla() {
        assertEquals(0, ApproxTopKShape.log2Floor(0));
        assertEquals(0, ApproxTopKShape.log2Floor(1));
        assertEquals(12, ApproxTopKShape.log2Floor(5714));
        assertEquals(0, ApproxTopKShape.log2Ceil(0));
        assertEquals(0, ApproxTopKShape.log2Ceil(1));
        assertEquals(1, ApproxTopKShape.log2Ceil(2));
        assertEquals(13, ApproxTopKShape.log2Ceil(7813));
        assertEquals(13, ApproxTopKShape.log2Ceil(8192));
        assertEquals(7813, ApproxTopKShape.ceilOfRatio(1_000_000, 128));
    }
}
