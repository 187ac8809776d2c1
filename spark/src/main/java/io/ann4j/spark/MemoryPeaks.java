package io.ann4j.spark;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Peaks of the process's memory, sampled every 50 ms: resident memory from /proc (local mode:
 * driver and executor together), the JVM heap's live data (the heap pools' use after their
 * last collection, so garbage not yet collected does not count) and the heap the JVM has
 * committed; the rest of the resident memory is native (ND4J's arrays, Spark's off-heap buffers).
 */
final class MemoryPeaks implements Runnable {
    private volatile boolean running = true;
    private final AtomicLong rss = new AtomicLong();
    private final AtomicLong heapLive = new AtomicLong();
    private final AtomicLong heapCommitted = new AtomicLong();

    static MemoryPeaks start() {
        MemoryPeaks p = new MemoryPeaks();
        Thread thread = new Thread(p, "memory-peaks");
        thread.setDaemon(true);
        thread.start();
        return p;
    }

    /** Starts the peaks again from now; returns the resident memory now. */
    long reset() {
        rss.set(residentBytes());
        heapLive.set(heapLiveBytes());
        heapCommitted.set(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted());
        return rss.get();
    }

    String describe() {
        return String.format(Locale.ROOT, "peak resident memory %.2f GiB (JVM heap: live data %.2f GiB, committed %.2f GiB)",
                rss.get() / GIB, heapLive.get() / GIB, heapCommitted.get() / GIB);
    }

    /** The peaks in bytes, for JSON: {@code peak_rss_bytes}, {@code peak_heap_live_bytes}, {@code peak_native_bytes}. */
    java.util.Map<String, Object> peaks() {
        return java.util.Map.of("peak_rss_bytes", rss.get(), "peak_heap_live_bytes", heapLive.get(), "peak_heap_committed_bytes",
                heapCommitted.get());
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        while (running) {
            rss.accumulateAndGet(residentBytes(), Math::max);
            heapLive.accumulateAndGet(heapLiveBytes(), Math::max);
            heapCommitted.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted(), Math::max);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static long heapLiveBytes() {
        long live = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage after = pool.getCollectionUsage();
            if (pool.getType() == MemoryType.HEAP && after != null) {
                live += after.getUsed();
            }
        }
        return live;
    }

    private static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return 0;
    }

    private static final double GIB = 1L << 30;
}
