package io.ann4j.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The tutorial at a small size: training through the search's gradient must clearly improve recall. */
class HardNegativeRetrievalTest {

    @Test
    void trainingWithRetrievedHardNegativesImprovesRecall() {
        HardNegativeRetrieval.Report r = HardNegativeRetrieval.run(1024, 3000, 16, 6, 3);
        System.out.print(r.log());
        assertTrue(r.recallAfter() >= r.recallBefore() + 0.3, r.log());
        assertTrue(r.lossPerEpoch().get(r.lossPerEpoch().size() - 1) < r.lossPerEpoch().get(0), r.log());
    }
}
