package io.ann4j.runtime.tpu;

import io.ann4j.compiler.spi.Backend;
import io.ann4j.compiler.spi.BackendProvider;
import io.ann4j.runtime.tpu.pjrt.PjrtConfig;
import java.nio.file.Files;
import java.util.Optional;

/**
 * Registers the TPU backend with {@link java.util.ServiceLoader}. With a PJRT plugin configured it
 * ranks above the CPU backend (the accelerator is the default); without one it ranks below, and
 * ann4j picks the CPU unless "tpu" is asked for by name. Without a PJRT plugin configured it is
 * always available (it runs the emulator); with one ({@code ann4j.pjrt.plugin} / {@code
 * ANN4J_PJRT_PLUGIN}) it is available when that file exists, and runs through PJRT.
 */
public final class TpuBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return TpuBackend.NAME;
    }

    @Override
    public int rank() {
        // With a PJRT plugin there is an accelerator: it becomes the default. The emulator is
        // only ever used when asked for by name.
        return PjrtConfig.fromEnvironment().isPresent() ? 20 : 5;
    }

    @Override
    public boolean isAvailable() {
        return unavailableReason().isEmpty();
    }

    /**
     * Empty when the backend can run: no plugin configured (emulator), or the configured plugin
     * file exists (PJRT; whether it loads is checked on first compile, with the plugin's message).
     */
    @Override
    public String unavailableReason() {
        Optional<PjrtConfig> c;
        try {
            c = PjrtConfig.fromEnvironment();
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        if (c.isPresent() && !Files.isRegularFile(c.get().plugin())) {
            return "the PJRT plugin named by " + PjrtConfig.PLUGIN_PROPERTY + "/" + PjrtConfig.PLUGIN_ENV + ", "
                    + c.get().plugin() + ", does not exist (unset it to run the TPU emulator)";
        }
        return "";
    }

    @Override
    public Backend create() {
        return new TpuBackend();
    }
}
