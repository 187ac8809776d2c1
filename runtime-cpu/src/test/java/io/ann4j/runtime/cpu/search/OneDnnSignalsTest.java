package io.ann4j.runtime.cpu.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.Test;

/**
 * A profiler's signals landing on a thread inside oneDNN's gemm must not corrupt the heap. This
 * does what a sampling profiler does: a handler is installed for a signal nobody else uses
 * (SIGURG; the handler is libc's {@code sched_yield}, which returns at once), and a sender thread
 * aims that signal at two threads running oneDNN products of a search tile's shape, every ~50 µs,
 * for a second and a half. Before {@link AsyncSignals}, glibc aborted the JVM ("corrupted size vs.
 * prev_size") within a second here; now every product completes and is right.
 */
class OneDnnSignalsTest {
    private static final int SIGURG = 23;
    private static final int SA_RESTART = 0x10000000;
    /** glibc's x86_64 {@code struct sigaction}: handler, 128-byte mask, flags, restorer. */
    private static final long SIGACTION_BYTES = 152;
    private static final long FLAGS_OFFSET = 136;

    @Test
    void signalsDuringOneDnnProductsLeaveTheHeapAndTheResultsIntact() throws Throwable {
        assumeTrue(OneDnn.available(), "oneDNN did not load here");
        assumeTrue(AsyncSignals.active(), "signal masks are bound on Linux only");
        assumeTrue("amd64".equals(System.getProperty("os.arch")), "the sigaction layout below is x86_64's");
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        MethodHandle sigaction = linker.downcallHandle(libc.find("sigaction").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        MethodHandle tgkill = linker.downcallHandle(libc.find("tgkill").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        MethodHandle gettid = linker.downcallHandle(libc.find("gettid").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment action = arena.allocate(SIGACTION_BYTES, 8);
            MemorySegment previous = arena.allocate(SIGACTION_BYTES, 8);
            action.set(ValueLayout.ADDRESS, 0, libc.find("sched_yield").orElseThrow());
            action.set(ValueLayout.JAVA_INT, FLAGS_OFFSET, SA_RESTART);
            assertEquals(0, (int) sigaction.invokeExact(SIGURG, action, previous));
            try {
                run(tgkill, gettid);
            } finally {
                assertEquals(0, (int) sigaction.invokeExact(SIGURG, previous, MemorySegment.NULL));
            }
        }
    }

    private static void run(MethodHandle tgkill, MethodHandle gettid) throws Throwable {
        int m = 512;
        int n = 1024;
        int k = 128;
        float[] a = new float[m * k];
        float[] b = new float[n * k];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i % 7) - 3;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (i % 5) - 2;
        }
        float expect00 = 0;
        float expectLast = 0;
        for (int d = 0; d < k; d++) {
            expect00 += a[d] * b[d];
            expectLast += a[(m - 1) * k + d] * b[(n - 1) * k + d];
        }
        ConcurrentLinkedQueue<Integer> tids = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong products = new AtomicLong();
        List<Throwable> failures = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        float e00 = expect00;
        float eLast = expectLast;
        for (int w = 0; w < 2; w++) {
            Thread t = new Thread(() -> {
                try (FloatPointer pa = new FloatPointer(a); FloatPointer pb = new FloatPointer(b);
                     FloatPointer pc = new FloatPointer((long) m * n)) {
                    tids.add((int) gettid.invokeExact());
                    while (!stop.get()) {
                        OneDnn.sgemm(false, true, m, n, k, pa, k, pb, k, pc, n);
                        assertEquals(e00, pc.get(0));
                        assertEquals(eLast, pc.get((long) m * n - 1));
                        products.incrementAndGet();
                    }
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }, "onednn-under-signals-" + w);
            workers.add(t);
            t.start();
        }
        while (tids.size() < 2) {
            Thread.onSpinWait();
        }
        int pid = (int) ProcessHandle.current().pid();
        long sent = 0;
        long until = System.nanoTime() + 1_500_000_000L;
        while (System.nanoTime() < until) {
            for (int tid : tids) {
                if ((int) tgkill.invokeExact(pid, tid, SIGURG) == 0) {
                    sent++;
                }
            }
            LockSupport.parkNanos(50_000);
        }
        stop.set(true);
        for (Thread t : workers) {
            t.join();
        }
        assertTrue(failures.isEmpty(), () -> "a product failed under signals: " + failures);
        assertTrue(sent > 1000, "signals sent: " + sent);
        assertTrue(products.get() > 10, "products done: " + products.get());
    }
}
