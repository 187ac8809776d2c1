package io.ann4j.runtime.cpu.search;

import io.ann4j.compiler.spi.HostDevices;

/**
 * The CPU backend's logical devices ({@code ann4j.cpu.devices}, by default one per core): pmap
 * runs each device's search on its share of the cores, which the search's pool reads here.
 */
public final class CpuDevices {
    /** The process's CPU devices. */
    public static final HostDevices DEVICES = new HostDevices("ann4j.cpu.devices");

    private CpuDevices() {}

    /** The worker threads the calling thread's search may use (a pmap device's share, or every core). */
    static int threadShare() {
        return DEVICES.threadShare();
    }
}
