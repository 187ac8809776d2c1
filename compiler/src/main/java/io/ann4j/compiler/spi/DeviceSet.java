package io.ann4j.compiler.spi;

import java.util.function.Supplier;

/**
 * The devices a backend runs {@code pmap} on ({@link Backend#devices()}): how many there are, and
 * how to run one device's share of a parallel map. pmap asks the backend it compiles for; nothing
 * about devices passes between the dsl and a backend any other way.
 */
public interface DeviceSet {
    /** The number of devices pmap may map over. */
    int count();

    /**
     * Sets the number of devices, where they are logical (the CPU's, as XLA's
     * {@code --xla_force_host_platform_device_count}).
     *
     * @throws UnsupportedOperationException where the devices are physical and fixed
     * @throws IllegalArgumentException      for fewer than one
     */
    void setCount(int devices);

    /** Runs {@code work} on the calling thread as one of {@code devices} devices running at once. */
    <T> T runOnDevice(int devices, Supplier<T> work);
}
