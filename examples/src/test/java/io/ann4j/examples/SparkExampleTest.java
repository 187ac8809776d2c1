package io.ann4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

class SparkExampleTest {
    @Test
    void tutorialRunsOnLocalSparkAndMeetsTheRecallTarget() {
        SparkExample.Report r = SparkExample.run(5_000, 32, 32, 10, 0.95, 3, "local[2]", 2);
        assertTrue(r.sparkRecall() >= 0.95, "Spark recall " + r.sparkRecall());
        assertTrue(r.singleRecall() >= 0.95, "single recall " + r.singleRecall());
        assertEquals(3, r.partitions());
        assertTrue(r.sparkMs() > 0 && r.singleMs() > 0);
    }

    @Test
    void mainPrintsBothSearches() {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true));
        try {
            SparkExample.main(new String[] {"--n 2000 --q 8 --d 16 --partitions 2 --runs 1"});
        } finally {
            System.setOut(old);
        }
        String out = buf.toString();
        assertTrue(out.contains("DistributedIndex.search") && out.contains("2,000 x 16"), out);
    }
}
