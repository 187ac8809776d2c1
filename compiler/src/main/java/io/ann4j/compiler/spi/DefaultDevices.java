package io.ann4j.compiler.spi;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@link Backend#devices()}'s default: one {@link HostDevices} per backend name, for the process. */
final class DefaultDevices {
    private static final Map<String, HostDevices> BY_BACKEND = new ConcurrentHashMap<>();

    private DefaultDevices() {}

    static HostDevices of(String backend) {
        return BY_BACKEND.computeIfAbsent(backend, b -> new HostDevices("ann4j." + b + ".devices"));
    }
}
