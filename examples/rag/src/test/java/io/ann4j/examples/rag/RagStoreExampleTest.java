package io.ann4j.examples.rag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tutorial runs in CI: its answers are the paragraphs a reader would pick. */
class RagStoreExampleTest {
    @Test
    void theExampleFindsTheRightParagraphsBothWays(@TempDir Path dir) throws Exception {
        RagStoreExample.Report r = RagStoreExample.run(dir);
        assertEquals(12, r.paragraphs());
        assertTrue(r.bestForBrakes().contains("Disc brakes"), r.bestForBrakes());
        assertEquals(2, r.cyclingOnly().size());
        assertTrue(r.cyclingOnly().stream().allMatch(p -> p.contains("tyre") || p.contains("chain") || p.contains("brakes")),
                r.cyclingOnly().toString());
        assertEquals(r.bestForBrakes(), r.afterReload(), "the loaded store answers as the saved one");
        assertTrue(r.springBest().contains("lemon cake"), r.springBest());
        assertEquals(2, r.springFiltered().size());
        assertTrue(r.springFiltered().stream().noneMatch(s -> s.startsWith("astronomy.txt")), r.springFiltered().toString());
    }
}
