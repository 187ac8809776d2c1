package io.ann4j.runtime.reference;

import io.ann4j.compiler.spi.Backend;
import io.ann4j.compiler.spi.BackendProvider;

/**
 * Registers the reference backend with {@link java.util.ServiceLoader}. Always available, and
 * ranked below every real backend: it is never the default when another is on the class path.
 */
public final class ReferenceBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return ReferenceBackend.NAME;
    }

    @Override
    public int rank() {
        return 0;
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public Backend create() {
        return new ReferenceBackend();
    }
}
