package io.ann4j.runtime.tpu;

import io.ann4j.compiler.spi.Backend;
import io.ann4j.compiler.spi.BackendProvider;

/**
 * Registers the TPU backend (the emulator) with {@link java.util.ServiceLoader}. It ranks below
 * the CPU backend: without a TPU, ann4j picks the CPU unless "tpu" is asked for by name.
 */
public final class TpuBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return TpuBackend.NAME;
    }

    @Override
    public int rank() {
        return 5;
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public Backend create() {
        return new TpuBackend();
    }
}
