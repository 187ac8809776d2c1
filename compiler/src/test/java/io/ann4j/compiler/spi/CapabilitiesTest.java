package io.ann4j.compiler.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ann4j.compiler.ir.DType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a backend may declare about itself, and what it may not. */
class CapabilitiesTest {
    private static final List<Capabilities.Configuration> ONE = List.of(new Capabilities.Configuration("default", Map.of(), false));

    @Test
    void theDefaultsPromiseTheTotalOrderAndEveryFloatingDtype() {
        Capabilities c = Capabilities.defaults();
        assertEquals(true, c.totalOrder());
        assertEquals(Capabilities.ALL_FLOATING, c.dtypes());
        assertEquals(1, c.configurations().size());
    }

    @Test
    void aBackendDeclaresAConfigurationAndTakesF32() {
        assertThrows(IllegalArgumentException.class, () -> new Capabilities(true, List.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Capabilities(true, ONE, Set.of(DType.F64)));
        assertEquals("a backend takes f32 at least; declared [f64]", e.getMessage().replace("F64", "f64"));
    }
}
