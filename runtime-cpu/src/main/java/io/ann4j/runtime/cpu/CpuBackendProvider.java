package io.ann4j.runtime.cpu;

import io.ann4j.compiler.spi.Backend;
import io.ann4j.compiler.spi.BackendProvider;

/** Registers the CPU backend with {@link java.util.ServiceLoader}. Always available. */
public final class CpuBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return CpuBackend.NAME;
    }

    @Override
    public int rank() {
        return 10;
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public Backend create() {
        return new CpuBackend();
    }
}
