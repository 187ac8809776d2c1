package io.ann4j.dsl;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ann4j.compiler.ir.DType;
import org.junit.jupiter.api.Test;

/** Ops run eagerly are compiled once each, in a bounded cache: distinct constants do not pile up. */
class EagerCacheTest {
    @Test
    void distinctEagerConstantsDoNotGrowTheCacheWithoutBound() {
        for (int i = 0; i < 3 * Eager.CAPACITY; i++) {
            Tensor c = Ops.constant(i, DType.F32);
            assertEquals(i, c.array().getFloat(0), 0f);
            assertTrue(Eager.size() <= Eager.CAPACITY, "cache size " + Eager.size());
        }
        // a recently used op stays compiled and still answers
        assertEquals(3f, Ops.add(Tensor.of(new float[] {1}, 1), Tensor.of(new float[] {2}, 1)).array().getFloat(0));
    }
}
