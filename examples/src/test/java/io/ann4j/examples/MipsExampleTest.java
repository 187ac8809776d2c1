package io.ann4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

class MipsExampleTest {
    /** Every example runs on every backend; the tpu one is the emulator of the TPU algorithm. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"cpu", "tpu"})
    void tutorialRunsAndMeetsTheRecallTarget(String backend) {
        MipsExample.Report r = MipsExample.run(20_000, 100, 64, 10, 0.95, 2, io.ann4j.dsl.JitConfig.defaults().backend(backend));
        assertTrue(r.recall() >= 0.95, "recall " + r.recall());
        assertEquals(20_000, r.n());
        assertTrue(r.approxMs() > 0 && r.exactMs() > 0);
    }

    @Test
    void mainPrintsRecallAndTimes() {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true));
        try {
            MipsExample.main(new String[] {"--n 5000 --q 32 --d 16 --runs 2"});
        } finally {
            System.setOut(old);
        }
        String out = buf.toString();
        assertTrue(out.contains("recall against exact search"), out);
        assertTrue(out.contains("5,000 x 16"), out);
    }
}
