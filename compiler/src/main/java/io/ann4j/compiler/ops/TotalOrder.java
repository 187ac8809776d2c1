package io.ann4j.compiler.ops;

/**
 * Maps floats to ints (doubles to longs) whose signed order is the total order
 * -NaN < -inf < ... < -0.0 < +0.0 < ... < +inf < +NaN, the order ann4j's top-k follows. Max
 * selection compares these keys; min selection compares their bitwise complements, so one
 * "larger key wins" selector serves both. The maps are bijections: values come back exactly.
 */
public final class TotalOrder {
    private TotalOrder() {}

    public static int floatKey(float v) {
        int bits = Float.floatToRawIntBits(v);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    public static float floatOf(int key) {
        return Float.intBitsToFloat(key ^ ((key >> 31) & 0x7fffffff));
    }

    public static long doubleKey(double v) {
        long bits = Double.doubleToRawLongBits(v);
        return bits ^ ((bits >> 63) & 0x7fffffffffffffffL);
    }

    public static double doubleOf(long key) {
        return Double.longBitsToDouble(key ^ ((key >> 63) & 0x7fffffffffffffffL));
    }

    /** The selection key of a float: larger is better for max, for min the order is reversed. */
    public static int selectKey(float v, boolean isMax) {
        int k = floatKey(v);
        return isMax ? k : ~k;
    }

    public static float valueOfSelectKey(int key, boolean isMax) {
        return floatOf(isMax ? key : ~key);
    }

    public static long selectKey(double v, boolean isMax) {
        long k = doubleKey(v);
        return isMax ? k : ~k;
    }

    public static double valueOfSelectKey(long key, boolean isMax) {
        return doubleOf(isMax ? key : ~key);
    }
}
