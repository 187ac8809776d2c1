package io.ann4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Peak resident memory of this process (Linux): {@link #reset()} clears the high-water mark
 * ({@code /proc/self/clear_refs} = 5) and {@link #peakMb()} reads it ({@code VmHWM}), so the
 * difference from the resident size before a call is what the call added at its peak, native
 * buffers included.
 */
final class MemoryProbe {
    private MemoryProbe() {}

    static boolean available() {
        return Files.isWritable(Path.of("/proc/self/clear_refs"));
    }

    static void reset() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException e) {
            throw new IllegalStateException("cannot reset the peak RSS: " + e.getMessage(), e);
        }
    }

    static double residentMb() {
        return field("VmRSS:");
    }

    static double peakMb() {
        return field("VmHWM:");
    }

    private static double field(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("no " + name + " in /proc/self/status");
    }
}
