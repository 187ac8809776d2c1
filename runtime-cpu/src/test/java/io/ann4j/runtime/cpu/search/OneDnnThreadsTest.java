package io.ann4j.runtime.cpu.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.Test;

/**
 * A search's workers each run oneDNN on one OpenMP thread: the setting must reach the OpenMP
 * runtime libdnnl itself uses (its preset ships two; setting the other left every call on all
 * cores, two workers times two OpenMP threads on two cores).
 */
class OneDnnThreadsTest {
    @Test
    void aWorkersCallsRunOnOneOpenMpThread() throws InterruptedException {
        assumeTrue(OneDnn.available(), "oneDNN did not load here");
        AtomicInteger before = new AtomicInteger();
        AtomicInteger after = new AtomicInteger();
        Thread worker = new Thread(() -> {
            before.set(OneDnn.ompMaxThreads());
            try (FloatPointer a = new FloatPointer(4); FloatPointer b = new FloatPointer(4);
                 FloatPointer c = new FloatPointer(4)) {
                a.put(new float[] {1, 2, 3, 4});
                b.put(new float[] {5, 6, 7, 8});
                OneDnn.sgemm(false, false, 2, 2, 2, a, 2, b, 2, c, 2);
                float[] out = new float[4];
                c.get(out);
                assertEquals(19f, out[0]); // the product still comes out right
                assertEquals(50f, out[3]);
            }
            after.set(OneDnn.ompMaxThreads());
        });
        worker.start();
        worker.join();
        assertEquals(1, after.get(), "oneDNN's OpenMP threads on a worker after its first call");
        assertTrue(before.get() >= 1);
        // the setting is per thread: a thread that never ran a worker's call keeps the default
        assertEquals(before.get(), OneDnn.ompMaxThreads());
    }
}
