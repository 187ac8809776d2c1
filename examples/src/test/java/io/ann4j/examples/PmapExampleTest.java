package io.ann4j.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;


class PmapExampleTest {
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"cpu", "tpu"})
    void shardedSearchMeetsTheTargetAndMatchesTheAccumulator(String backend) {
        PmapExample.Report r = PmapExample.run(40_000, 64, 32, 10, 0.95, 2, 1, io.ann4j.dsl.JitConfig.defaults().backend(backend));
        assertTrue(r.pmapRecall() >= 0.95, "pmap recall " + r.pmapRecall());
        assertTrue(r.accumulatorRecall() >= r.pmapRecall() - 1e-9, "the accumulator keeps the exact top k of the candidates");
        assertTrue(r.singleRecall() >= 0.95, "single-device recall " + r.singleRecall());
    }
}
