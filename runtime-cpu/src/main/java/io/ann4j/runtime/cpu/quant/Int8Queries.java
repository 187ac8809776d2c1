package io.ann4j.runtime.cpu.quant;

import java.lang.foreign.MemorySegment;

/**
 * Queries quantized for the int8 product ({@link Int8Quantizer#queries}): query {@code i} is
 * approximately {@code scale[i] * (codes[i, d] - 128) / dimScale[d]}, stored as u8 so that
 * oneDNN's u8 x s8 product (VNNI's {@code vpdpbusd}) takes them as they are.
 *
 * @param codes     u8 codes ({@code code + 128}, 1 to 255), row-major {@code [m, depth]}
 * @param scale     per query: its largest magnitude (after the database's dimension scales) over 127
 * @param unscorable whether any query holds NaN or an infinity, or is so large (above
 *                   {@link Int8Quantizer#MAX_ROW_SCALE} times 127) that its approximate scores could
 *                   overflow f32: such a call takes the exact path
 */
public record Int8Queries(MemorySegment codes, float[] scale, boolean unscorable, int m, int depth) {}
