package io.ann4j.compiler.spi;

import java.util.function.Supplier;

/**
 * Logical devices of the CPU backend, as XLA's host platform has them
 * ({@code --xla_force_host_platform_device_count}): {@code pmap} runs one slice per device, and
 * each device gets its share of the cores. The count comes from {@link #setCount}, else the
 * system property {@code ann4j.cpu.devices}, else the number of cores.
 */
public final class Devices {
    private static volatile int count = Integer.getInteger("ann4j.cpu.devices",
            Runtime.getRuntime().availableProcessors());
    private static final ThreadLocal<Integer> SHARE = new ThreadLocal<>();

    private Devices() {}

    /** The number of logical CPU devices. */
    public static int count() {
        return count;
    }

    /** Sets the number of logical CPU devices (at least 1). */
    public static void setCount(int devices) {
        if (devices < 1) {
            throw new IllegalArgumentException("device count must be >= 1, got " + devices);
        }
        count = devices;
    }

    /**
     * How many worker threads the work of the calling thread may use: all cores, or a device's
     * share while {@link #runOnDevice} runs it.
     */
    public static int threadShare() {
        Integer s = SHARE.get();
        return s == null ? Runtime.getRuntime().availableProcessors() : s;
    }

    /** Runs {@code work} as one of {@code devices} concurrent devices, on its share of the cores. */
    public static <T> T runOnDevice(int devices, Supplier<T> work) {
        int cores = Runtime.getRuntime().availableProcessors();
        Integer previous = SHARE.get();
        SHARE.set(Math.max(1, cores / Math.max(1, devices)));
        try {
            return work.get();
        } finally {
            if (previous == null) {
                SHARE.remove();
            } else {
                SHARE.set(previous);
            }
        }
    }
}
