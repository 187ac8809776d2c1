package io.ann4j.runtime.tpu.pjrt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PjrtOptionTest {
    @Test
    void valuesAreTypedAsTheCudaPluginExpectsThem() {
        List<PjrtOption> o = PjrtOption.parseList("preallocate=false, memory_fraction=0.5 allocator=platform,"
                + "visible_devices=[0, 1],node_id=3,name=\"42\"");
        assertEquals(6, o.size());
        assertEquals(new PjrtOption("preallocate", false), o.get(0));
        assertEquals(new PjrtOption("memory_fraction", 0.5f), o.get(1));
        assertEquals(new PjrtOption("allocator", "platform"), o.get(2));
        assertArrayEquals(new long[] {0, 1}, (long[]) o.get(3).value());
        assertEquals(new PjrtOption("visible_devices", new long[] {0, 1}), o.get(3));
        assertEquals(new PjrtOption("node_id", 3L), o.get(4));
        assertEquals(new PjrtOption("name", "42"), o.get(5), "quotes force a string");
        assertEquals(new PjrtOption("x", 1e-3f), PjrtOption.parse("x=1e-3"));
        assertEquals(List.of(), PjrtOption.parseList("  "));
    }

    @Test
    void malformedOptionsAreRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PjrtOption.parse("preallocate"));
        assertTrue(e.getMessage().contains("name=value"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PjrtOption.parse("visible_devices=[0,a]"));
        assertTrue(e.getMessage().contains("visible_devices"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PjrtOption("x", 1.0));
    }

    @Test
    void clientCreateReceivesEveryOptionAsANamedValue() {
        try (FakePjrtApi fake = new FakePjrtApi(0, 60, PjrtFunction.requiredApiSize())) {
            List<PjrtOption> options = PjrtOption.parseList("preallocate=false,memory_fraction=0.25,allocator=bfc,"
                    + "visible_devices=[0],node_id=7");
            try (PjrtClient client = PjrtClient.create(new PjrtPlugin(fake.api, "fake"), options)) {
                assertEquals(1, client.deviceCount());
            }
            assertEquals(List.of(
                    "preallocate:bool=false (struct_size 56, value_size 1)",
                    "memory_fraction:float=0.25 (struct_size 56, value_size 1)",
                    "allocator:string=bfc (struct_size 56, value_size 3)",
                    "visible_devices:int64list=[0] (struct_size 56, value_size 1)",
                    "node_id:int64=7 (struct_size 56, value_size 1)"), fake.createOptions);
        }
    }

    @Test
    void theConfigReadsOptionsFromTheSystemProperty() {
        System.setProperty(PjrtConfig.PLUGIN_PROPERTY, "/x/xla_cuda_plugin.so");
        System.setProperty(PjrtConfig.OPTIONS_PROPERTY, "preallocate=false");
        try {
            PjrtConfig c = PjrtConfig.fromEnvironment().orElseThrow();
            assertEquals("cuda", c.platform());
            assertEquals(List.of(new PjrtOption("preallocate", false)), c.clientOptions());
        } finally {
            System.clearProperty(PjrtConfig.PLUGIN_PROPERTY);
            System.clearProperty(PjrtConfig.OPTIONS_PROPERTY);
        }
    }
}
