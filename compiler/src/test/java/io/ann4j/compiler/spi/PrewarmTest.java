package io.ann4j.compiler.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PrewarmTest {
    @Test
    void startsOneDaemonThreadPerProcessAndSurvivesAMissingBackend() throws InterruptedException {
        // the compiler's tests have no backend on the class path: the thread meets an error and ends quietly
        Prewarm.start("no-such-backend");
        assertTrue(Prewarm.started());
        Thread t = Thread.getAllStackTraces().keySet().stream().filter(x -> x.getName().equals("ann4j-prewarm"))
                .findFirst().orElse(null);
        if (t != null) {
            assertTrue(t.isDaemon(), "it must never keep a process alive");
            t.join(10_000);
        }
        Prewarm.start(null);
        assertEquals(0, Thread.getAllStackTraces().keySet().stream().filter(x -> x.getName().equals("ann4j-prewarm"))
                .filter(Thread::isAlive).count(), "a second start starts nothing");
    }
}
