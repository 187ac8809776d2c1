package io.ann4j.compiler.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class TotalOrderTest {
    @Test
    void specialValuesFollowTheTotalOrder() {
        float negNaN = Float.intBitsToFloat(0xffc00000);
        float[] ascending = {negNaN, Float.NEGATIVE_INFINITY, -3.5f, -Float.MIN_VALUE, -0.0f, 0.0f, Float.MIN_VALUE, 2f,
                Float.POSITIVE_INFINITY, Float.NaN};
        for (int i = 1; i < ascending.length; i++) {
            assertTrue(TotalOrder.floatKey(ascending[i - 1]) < TotalOrder.floatKey(ascending[i]),
                    ascending[i - 1] + " should sort before " + ascending[i]);
            assertTrue(TotalOrder.doubleKey(ascending[i - 1]) < TotalOrder.doubleKey(ascending[i]),
                    ascending[i - 1] + " should sort before " + ascending[i] + " as doubles");
        }
    }

    @Property
    void floatKeysAreABijection(@ForAll int bits) {
        float f = Float.intBitsToFloat(bits);
        assertEquals(bits, Float.floatToRawIntBits(TotalOrder.floatOf(TotalOrder.floatKey(f))));
        assertEquals(bits, Float.floatToRawIntBits(TotalOrder.valueOfSelectKey(TotalOrder.selectKey(f, false), false)));
    }

    @Property
    void keyOrderAgreesWithFloatCompareOnNumbers(@ForAll float a, @ForAll float b) {
        if (Float.isNaN(a) || Float.isNaN(b)) {
            return;
        }
        assertEquals(Integer.signum(Float.compare(a, b)),
                Integer.signum(Integer.compare(TotalOrder.floatKey(a), TotalOrder.floatKey(b))));
        assertEquals(Integer.signum(Float.compare(b, a)),
                Integer.signum(Integer.compare(TotalOrder.selectKey(a, false), TotalOrder.selectKey(b, false))));
    }
}
