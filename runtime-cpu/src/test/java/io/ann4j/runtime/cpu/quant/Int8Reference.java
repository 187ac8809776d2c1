package io.ann4j.runtime.cpu.quant;

/**
 * The int8 quantization written from its definition ({@link Int8Quantizer}'s class comment), one
 * element at a time, with no vector code: what the quantizer must reproduce bit for bit.
 */
final class Int8Reference {
    /** One quantized row: codes (signed), its scale, and whether it is left to exact scoring. */
    record Row(int[] codes, float scale, boolean exact) {}

    private Int8Reference() {}

    /** @param mul per-dimension multipliers applied first, or null */
    static Row quantize(float[] x, float[] mul) {
        int d = x.length;
        float[] y = new float[d];
        float m = 0;
        boolean bad = false;
        for (int i = 0; i < d; i++) {
            bad |= Float.isNaN(x[i]) || Float.isInfinite(x[i]);
            y[i] = mul == null ? x[i] : x[i] * mul[i];
            m = Math.max(m, Math.abs(y[i]));
        }
        int[] codes = new int[d];
        if (bad || Float.isInfinite(m) || Float.isNaN(m) || m / 127f > Int8Quantizer.MAX_ROW_SCALE) {
            return new Row(codes, 0f, true);
        }
        if (m == 0f) {
            return new Row(codes, 0f, false);
        }
        float inv = (float) (127.0 / m);
        for (int i = 0; i < d; i++) {
            double r = Float.isInfinite(inv) ? Math.rint(y[i] * (127.0 / m)) : Math.rint(y[i] * inv);
            codes[i] = (int) Math.max(-127, Math.min(127, r));
        }
        return new Row(codes, m / 127f, false);
    }

    /** The per-dimension scales of a database: the largest magnitude over its finite rows, else 1. */
    static float[] dimensionScales(float[][] rows) {
        int d = rows[0].length;
        float[] s = new float[d];
        for (float[] row : rows) {
            boolean finite = true;
            for (float v : row) {
                finite &= Float.isFinite(v);
            }
            for (int i = 0; finite && i < d; i++) {
                s[i] = Math.max(s[i], Math.abs(row[i]));
            }
        }
        for (int i = 0; i < d; i++) {
            s[i] = s[i] == 0f ? 1f : s[i];
        }
        return s;
    }
}
