package io.ann4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The progress bar: only on a terminal, not with --quiet, and only for work past the first second. */
class ProgressTest {
    private static String stderrOf(Runnable r) {
        PrintStream old = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(old);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static void work(boolean enabled, long millis) {
        try (Progress p = Progress.start("search", 1000, "rows", enabled)) {
            for (int i = 0; i < 10; i++) {
                try {
                    Thread.sleep(millis / 10);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                p.step(100);
            }
        }
    }

    @Test
    void longWorkShowsRateAndEta() {
        String err = stderrOf(() -> work(true, 1600));
        assertTrue(err.contains("search") && err.contains("/1000 rows") && err.contains("rows/s"), err);
    }

    @Test
    void shortWorkShowsNothing() {
        assertEquals("", stderrOf(() -> work(true, 200)));
    }

    @Test
    void disabledShowsNothing() {
        assertEquals("", stderrOf(() -> work(false, 1600)));
    }

    @Test
    void allowedOnlyOnATerminalAndWithoutQuiet() {
        String old = System.getProperty("ann4j.stderr.tty");
        try {
            System.clearProperty("ann4j.stderr.tty");
            assertFalse(Progress.allowed(false), "no terminal known: no bar");
            System.setProperty("ann4j.stderr.tty", "true");
            assertTrue(Progress.allowed(false));
            assertFalse(Progress.allowed(true), "--quiet");
        } finally {
            if (old == null) {
                System.clearProperty("ann4j.stderr.tty");
            } else {
                System.setProperty("ann4j.stderr.tty", old);
            }
        }
    }
}
