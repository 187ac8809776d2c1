package io.ann4j.runtime.cpu.quant;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Symmetric int8 quantization of f32 rows, by one definition for the database and the queries
 * (the tests hold a scalar reference written from it):
 * <ol>
 *   <li>with dimension scales, {@code y[d] = x[d] * (float) (1.0 / dimScale[d])} (database) or
 *   {@code y[d] = x[d] * dimScale[d]} (queries, which carry the scale the database divided out);
 *   else {@code y = x};</li>
 *   <li>{@code m = max |y[d]|}; a row with NaN or an infinity, or with {@code m / 127} above
 *   {@link #MAX_ROW_SCALE}, is flagged for exact scoring, its codes 0;</li>
 *   <li>{@code code[d] = clamp(rint(y[d] * inv), -127, 127)} with {@code inv = (float) (127.0 / m)}
 *   and the product in f32, rounded half to even ({@code Math.rint}); where {@code inv} overflows
 *   f32 (m below ~3.7e-37) the product is taken in f64; all-zero rows get codes 0 and scale 0;</li>
 *   <li>the row's scale is {@code m / 127f}.</li>
 * </ol>
 * -128 is never used, so the codes are symmetric and a u8 query code ({@code code + 128}) fits in
 * 1..255. The largest magnitude maps to ±127 exactly: nothing saturates. The vector code rounds
 * with the f32 magic-number trick ({@code (p + 1.5 * 2^23) - 1.5 * 2^23}, exact round-half-even
 * for |p| below 2^22) and ends each row with a scalar tail, so any depth works on any vector width.
 */
public final class Int8Quantizer {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(
            Math.max(64, F.vectorBitSize() / 4)));
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final float MAGIC = 12582912f; // 1.5 * 2^23

    /** How the database's scales are chosen. */
    public enum Scaling {
        /** One scale per row (its largest magnitude): right for rows whose norms differ. */
        ROW,
        /** Dimensions divided by their largest magnitude first, then one scale per row. */
        DIMENSION_AND_ROW
    }

    /**
     * The largest row scale the int8 product scores: an s32 product is at most 255 * 127 * depth
     * in magnitude, times a row's scale and a query's (each up to this), well inside f32 up to a
     * depth of 65,000. Larger rows are scored exactly instead.
     */
    public static final float MAX_ROW_SCALE = 1e12f;

    /** Rows with at least this many elements are quantized on the search's workers. */
    private static final long PARALLEL_ELEMENTS = 1 << 20;

    private Int8Quantizer() {}

    /**
     * Quantizes a row-major f32 database {@code [n, depth]} (native memory).
     *
     * @param parallel runs ranges of rows on {@code parallel} (e.g. the search's pool); may be null
     */
    public static Int8Rows database(MemorySegment rows, int n, int depth, Scaling scaling, RowRanges parallel) {
        float[] dimScale = null;
        if (scaling == Scaling.DIMENSION_AND_ROW) {
            dimScale = new float[depth];
            dimensionMax(rows, n, depth, dimScale);
        }
        return quantize(n, depth, dimScale, parallel, (out, from, to) -> quantizeRows(rows, 0, from, to, depth, out));
    }

    /** Rows given in another precision, converted to f32 a chunk at a time (see {@link #database(RowSource, int, int, Scaling, RowRanges)}). */
    @FunctionalInterface
    public interface RowSource {
        /** Rows {@code [from, from + count)} as row-major f32 into {@code dst} (heap or native). */
        void read(int from, int count, MemorySegment dst);
    }

    /** Rows converted per chunk: a chunk of 256 rows stays in cache between its conversion and its quantization. */
    private static final int CHUNK = 256;

    /**
     * Quantizes a database given by {@code source} (a bf16 or f16 one, widened to f32 a chunk of
     * rows at a time), by the same definition as the f32 rows.
     */
    public static Int8Rows database(RowSource source, int n, int depth, Scaling scaling, RowRanges parallel) {
        float[] dimScale = null;
        if (scaling == Scaling.DIMENSION_AND_ROW) {
            dimScale = new float[depth];
            MemorySegment chunk = MemorySegment.ofArray(new float[CHUNK * depth]);
            for (int j0 = 0; j0 < n; j0 += CHUNK) {
                int count = Math.min(CHUNK, n - j0);
                source.read(j0, count, chunk);
                dimensionMax(chunk, count, depth, dimScale);
            }
        }
        return quantize(n, depth, dimScale, parallel, (out, from, to) -> {
            MemorySegment chunk = MemorySegment.ofArray(new float[CHUNK * depth]);
            for (int j0 = from; j0 < to; j0 += CHUNK) {
                int count = Math.min(CHUNK, to - j0);
                source.read(j0, count, chunk);
                quantizeRows(chunk, j0, j0, j0 + count, depth, out);
            }
        });
    }

    /** Where quantized rows go, and the dimension multipliers applied first (or null). */
    private record Output(MemorySegment codes, float[] rowScale, float[] offset, boolean[] flagged, float[] mul) {}

    /** Quantizes rows {@code [from, to)} into an {@link Output}. */
    @FunctionalInterface
    private interface RangeBody {
        void rows(Output out, int from, int to);
    }

    /**
     * Allocates the outputs and runs {@code body} over all rows; {@code dimMax} holds each
     * dimension's largest magnitude (0: none finite, scale 1), or is null for per-row scales.
     */
    private static Int8Rows quantize(int n, int depth, float[] dimMax, RowRanges parallel, RangeBody body) {
        float[] mul = null;
        if (dimMax != null) {
            mul = new float[depth];
            for (int d = 0; d < depth; d++) {
                dimMax[d] = dimMax[d] == 0f ? 1f : dimMax[d];
                mul[d] = (float) (1.0 / dimMax[d]);
            }
        }
        Output out = new Output(Arena.ofAuto().allocate(Math.max(1, (long) n * depth), 64), new float[n], new float[n],
                new boolean[n], mul);
        RowRanges.Body ranges = (from, to) -> body.rows(out, from, to);
        if (parallel == null || (long) n * depth < PARALLEL_ELEMENTS) {
            ranges.rows(0, n);
        } else {
            parallel.forEach(n, ranges);
        }
        return new Int8Rows(out.codes(), out.rowScale(), out.offset(), dimMax, flagged(out.flagged()), n, depth);
    }

    private static int[] flagged(boolean[] bad) {
        int count = 0;
        for (boolean b : bad) {
            count += b ? 1 : 0;
        }
        int[] rows = new int[count];
        for (int j = 0, i = 0; j < bad.length; j++) {
            if (bad[j]) {
                rows[i++] = j;
            }
        }
        return rows;
    }

    /**
     * Rows {@code [from, to)} of the database: a plain static loop, which C2 compiles whole (called
     * through the lambda, the same loop ran 3x slower: its vector code was not inlined).
     */
    private static void quantizeRows(MemorySegment rows, int srcRow0, int from, int to, int depth, Output out) {
        float[] mul = out.mul();
        for (int j = from; j < to; j++) {
            long at = (long) j * depth;
            long src = (long) (j - srcRow0) * depth * 4;
            float m = rowMax(rows, src, mul, depth);
            if (Float.isNaN(m) || m / 127f > MAX_ROW_SCALE) {
                out.flagged()[j] = true; // codes stay 0 (fresh memory is zeroed)
                continue;
            }
            int sum = quantizeRow(rows, src, mul, depth, m, out.codes(), at, 0);
            out.rowScale()[j] = m / 127f;
            out.offset()[j] = out.rowScale()[j] * (128f * sum);
        }
    }

    /**
     * Quantizes row-major f32 queries {@code [m, depth]} for a database quantized with
     * {@code dimScale} (null: per-row scales only), as u8 codes ({@code code + 128}).
     */
    public static Int8Queries queries(float[] queries, int m, int depth, float[] dimScale) {
        MemorySegment src = MemorySegment.ofArray(queries);
        MemorySegment codes = Arena.ofAuto().allocate(Math.max(1, (long) m * depth), 64);
        float[] scale = new float[m];
        boolean unscorable = false;
        for (int i = 0; i < m; i++) {
            long at = (long) i * depth;
            float max = rowMax(src, at * 4, dimScale, depth);
            if (Float.isNaN(max) || max / 127f > MAX_ROW_SCALE) {
                unscorable = true;
                codes.asSlice(at, depth).fill((byte) 128);
                continue;
            }
            quantizeRow(src, at * 4, dimScale, depth, max, codes, at, 128);
            scale[i] = max / 127f;
        }
        return new Int8Queries(codes, scale, unscorable, m, depth);
    }

    /**
     * The largest magnitude of {@code y = x * mul} over a row (mul null: 1), or NaN when the row
     * holds NaN or an infinity.
     */
    static float rowMax(MemorySegment src, long byteAt, float[] mul, int depth) {
        int lanes = F.length();
        int bound = depth - depth % lanes;
        FloatVector max = FloatVector.zero(F);
        FloatVector poison = FloatVector.zero(F); // x * 0 is NaN exactly for NaN and infinities
        for (int d = 0; d < bound; d += lanes) {
            FloatVector x = FloatVector.fromMemorySegment(F, src, byteAt + 4L * d, ORDER);
            FloatVector y = mul == null ? x : x.mul(FloatVector.fromArray(F, mul, d));
            poison = poison.add(x.mul(0f));
            max = max.max(y.abs());
        }
        float m = max.reduceLanes(VectorOperators.MAX);
        boolean bad = Float.isNaN(poison.reduceLanes(VectorOperators.ADD));
        for (int d = bound; d < depth; d++) {
            float x = src.get(ValueLayout.JAVA_FLOAT_UNALIGNED, byteAt + 4L * d);
            float y = mul == null ? x : x * mul[d];
            bad |= !Float.isFinite(x);
            m = Math.max(m, Math.abs(y));
        }
        return bad || !Float.isFinite(m) ? Float.NaN : m;
    }

    /**
     * Writes the codes of one finite row whose largest magnitude is {@code max}, plus
     * {@code offset} (0 for s8, 128 for u8), at byte {@code to} of {@code dst}; returns the sum of
     * the signed codes.
     */
    static int quantizeRow(MemorySegment src, long byteAt, float[] mul, int depth, float max, MemorySegment dst,
                           long to, int offset) {
        if (max == 0f) {
            dst.asSlice(to, depth).fill((byte) offset);
            return 0;
        }
        float inv = (float) (127.0 / max);
        if (Float.isInfinite(inv)) {
            return quantizeTinyRow(src, byteAt, mul, depth, max, dst, to, offset);
        }
        int lanes = F.length();
        int bound = depth - depth % lanes;
        FloatVector sum = FloatVector.zero(F);
        for (int d = 0; d < bound; d += lanes) {
            FloatVector x = FloatVector.fromMemorySegment(F, src, byteAt + 4L * d, ORDER);
            FloatVector y = mul == null ? x : x.mul(FloatVector.fromArray(F, mul, d));
            FloatVector r = y.mul(inv).add(MAGIC).sub(MAGIC).max(-127f).min(127f);
            sum = sum.add(r);
            // integral values in -127..127; a u8 code is the s8 code with its top bit flipped (+128)
            ByteVector codes = (ByteVector) r.convertShape(VectorOperators.F2B, B, 0);
            (offset == 0 ? codes : codes.lanewise(VectorOperators.XOR, (byte) 0x80)).intoMemorySegment(dst, to + d, ORDER);
        }
        // the codes are integers below 2^24 in magnitude: the f32 sums are exact
        int total = (int) sum.reduceLanes(VectorOperators.ADD);
        for (int d = bound; d < depth; d++) {
            float x = src.get(ValueLayout.JAVA_FLOAT_UNALIGNED, byteAt + 4L * d);
            float y = mul == null ? x : x * mul[d];
            int c = (int) Math.max(-127f, Math.min(127f, (float) Math.rint(y * inv)));
            total += c;
            dst.set(ValueLayout.JAVA_BYTE, to + d, (byte) (c + offset));
        }
        return total;
    }

    /** A row so small that {@code 127 / max} overflows f32: the product in f64. */
    private static int quantizeTinyRow(MemorySegment src, long byteAt, float[] mul, int depth, float max,
                                       MemorySegment dst, long to, int offset) {
        double inv = 127.0 / max;
        int total = 0;
        for (int d = 0; d < depth; d++) {
            float x = src.get(ValueLayout.JAVA_FLOAT_UNALIGNED, byteAt + 4L * d);
            float y = mul == null ? x : x * mul[d];
            int c = (int) Math.max(-127, Math.min(127, Math.rint(y * inv)));
            total += c;
            dst.set(ValueLayout.JAVA_BYTE, to + d, (byte) (c + offset));
        }
        return total;
    }

    /**
     * {@code into[d] = max(into[d], |x[j, d]|)} over the finite rows {@code j} of {@code rows}: the
     * dimension scales (1 where no finite row has a non-zero value), whose division evens out
     * dimensions of very different ranges before the rows are quantized.
     */
    private static void dimensionMax(MemorySegment rows, int n, int depth, float[] into) {
        for (int j = 0; j < n; j++) {
            long at = (long) j * depth * 4;
            if (Float.isNaN(rowMax(rows, at, null, depth))) {
                continue;
            }
            for (int d = 0; d < depth; d++) {
                into[d] = Math.max(into[d], Math.abs(rows.get(ValueLayout.JAVA_FLOAT_UNALIGNED, at + 4L * d)));
            }
        }
    }

    /** Runs a body over ranges of rows, in parallel where the caller has workers. */
    @FunctionalInterface
    public interface RowRanges {
        /** Work on rows {@code [from, to)}. */
        @FunctionalInterface
        interface Body {
            void rows(int from, int to);
        }

        void forEach(int rows, Body body);
    }
}
