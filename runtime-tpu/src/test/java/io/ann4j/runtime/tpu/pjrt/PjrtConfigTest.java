package io.ann4j.runtime.tpu.pjrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PjrtConfigTest {
    @Test
    void thePlatformIsGuessedFromThePluginsName() {
        assertEquals("tpu", PjrtConfig.guessPlatform(Path.of("/usr/lib/libtpu.so")));
        assertEquals("cuda", PjrtConfig.guessPlatform(Path.of("/x/xla_cuda_plugin.so")));
        assertEquals("cpu", PjrtConfig.guessPlatform(Path.of("pjrt_c_api_cpu_plugin.so")));
        assertEquals("tpu", PjrtConfig.guessPlatform(Path.of("libother.so")));
    }

    @Test
    void onlyKnownPlatformsAreAccepted() {
        assertThrows(IllegalArgumentException.class, () -> new PjrtConfig(Path.of("x.so"), "rocm"));
        assertEquals(false, new PjrtConfig(Path.of("x.so"), "cuda").tpu());
    }
}
