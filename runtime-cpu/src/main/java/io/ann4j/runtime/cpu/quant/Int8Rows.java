package io.ann4j.runtime.cpu.quant;

import java.lang.foreign.MemorySegment;

/**
 * A database quantized to int8 for the approximate product ({@link Int8Quantizer#database}): row
 * {@code j} is approximately {@code rowScale[j] * codes[j, d] * dimScale[d]}.
 *
 * @param codes        s8 codes, row-major {@code [n, depth]} (native memory, 64-byte aligned)
 * @param rowScale     per row: the largest magnitude of the (dimension-scaled) row over 127; 0 for
 *                     an all-zero row and for a row with NaN or infinities
 * @param offset       per row: {@code rowScale * 128 * (the sum of its codes)}, which turns the
 *                     product with queries stored as {@code code + 128} (u8) back into the signed
 *                     product: {@code score ~ (acc * rowScale - offset) * queryScale}
 * @param dimScale     per dimension: the scale divided out before the rows are quantized (the
 *                     largest magnitude of that dimension over the finite rows), or {@code null}
 *                     for per-row scales alone
 * @param exactRows    the rows the int8 product cannot score, ascending: those holding NaN or
 *                     infinities, and those so large ({@link Int8Quantizer#MAX_ROW_SCALE}) that their
 *                     approximate scores could overflow f32; their codes are 0, and a search
 *                     scores them exactly for every query instead
 */
public record Int8Rows(MemorySegment codes, float[] rowScale, float[] offset, float[] dimScale, int[] exactRows,
                       int n, int depth) {

    /** The memory this copy takes: one byte per element, plus 8 per row (and 4 per dimension). */
    public long bytes() {
        return codes.byteSize() + 8L * n + (dimScale == null ? 0 : 4L * depth);
    }
}
