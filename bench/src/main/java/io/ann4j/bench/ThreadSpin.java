package io.ann4j.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What a library leaves running after a call returns: the CPU time this process's threads burn
 * (from {@code /proc/self/task/*}/stat) while the caller sleeps for a window just after one call.
 * On these 2-core machines such spinning takes a core from whatever runs next. Measured here
 * (Zen 4): after one OpenBLAS sgemm its idle worker burned 80-110 ms in the next 500 ms, and a
 * oneDNN product started right after it took 136.5 ms against 120.8 alone; oneDNN's OpenMP and
 * ann4j's own workers burned nothing. That is the disturbance the bench's in-process yardsticks
 * show, and why the yardsticks are measured in JVMs of their own ({@link CleanYardsticks}).
 */
final class ThreadSpin {
    static final long WINDOW_MS = 500;
    private static final Path TASKS = Path.of("/proc/self/task");

    private ThreadSpin() {}

    /** Whether per-thread CPU times can be read (Linux). */
    static boolean available() {
        return Files.isDirectory(TASKS);
    }

    /**
     * Runs {@code call} once, then sleeps {@link #WINDOW_MS} and returns the CPU milliseconds the
     * process's other threads used in that window; NaN where {@code /proc} is missing.
     */
    static double cpuMsAfter(Runnable call) {
        if (!available()) {
            return Double.NaN;
        }
        call.run();
        Map<String, Long> before = ticks();
        try {
            Thread.sleep(WINDOW_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
        Map<String, Long> after = ticks();
        long used = 0;
        for (Map.Entry<String, Long> e : after.entrySet()) {
            used += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        }
        return used * 1000.0 / CLOCK_TICKS_PER_SECOND;
    }

    /** {@code sysconf(_SC_CLK_TCK)} is 100 on every Linux this runs on. */
    private static final int CLOCK_TICKS_PER_SECOND = 100;

    /** utime + stime of every thread, by thread id. */
    private static Map<String, Long> ticks() {
        Map<String, Long> m = new HashMap<>();
        try (Stream<Path> tasks = Files.list(TASKS)) {
            for (Path t : tasks.toList()) {
                String stat;
                try {
                    stat = Files.readString(t.resolve("stat"));
                } catch (IOException gone) {
                    continue; // the thread ended
                }
                // fields after the command name (which may hold spaces) start at ')'
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                m.put(t.getFileName().toString(), Long.parseLong(f[11]) + Long.parseLong(f[12]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }
}
