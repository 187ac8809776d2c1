package io.ann4j.compiler.spi;

import java.util.function.Supplier;

/**
 * Logical devices on this host's cores, for backends that compute on the host (support code; it
 * names no backend): {@code pmap} runs one slice per device at once, and each device's work gets
 * its share of the cores ({@link #threadShare()}, read by the backend's own thread pools). The
 * count comes from {@link #setCount}, else the system property the backend names, else one per
 * core.
 */
public final class HostDevices implements DeviceSet {
    private volatile int count;
    private final ThreadLocal<Integer> share = new ThreadLocal<>();

    /** @param countProperty the system property giving the default count (read once, here) */
    public HostDevices(String countProperty) {
        this.count = Integer.getInteger(countProperty, Runtime.getRuntime().availableProcessors());
    }

    @Override
    public int count() {
        return count;
    }

    @Override
    public void setCount(int devices) {
        if (devices < 1) {
            throw new IllegalArgumentException("device count must be >= 1, got " + devices);
        }
        count = devices;
    }

    /**
     * How many worker threads the work of the calling thread may use: every core, or a device's
     * share while {@link #runOnDevice} runs it.
     */
    public int threadShare() {
        Integer s = share.get();
        return s == null ? Runtime.getRuntime().availableProcessors() : s;
    }

    @Override
    public <T> T runOnDevice(int devices, Supplier<T> work) {
        int cores = Runtime.getRuntime().availableProcessors();
        Integer previous = share.get();
        share.set(Math.max(1, cores / Math.max(1, devices)));
        try {
            return work.get();
        } finally {
            if (previous == null) {
                share.remove();
            } else {
                share.set(previous);
            }
        }
    }
}
