package io.ann4j.runtime.cpu.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Approximate f32 scores from an int8 product tile: with u8 query codes and s8 database codes,
 * {@code score[r, c] = qScale[r] * rowScale[c] * (acc[r, c] - compensation[c])} (the compensation
 * removes the queries' +128). One pass over the tile with the Vector API, then a scalar tail.
 */
public final class Int8Scores {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private Int8Scores() {}

    /**
     * @param acc  s32 {@code [rows, cols]} products, row-major with leading dimension {@code cols}
     * @param q0   the first query's index in {@code qScale}
     * @param c0   the first column's database row
     * @param out  f32 {@code [rows, cols]}, leading dimension {@code cols}
     */
    public static void dequantize(MemorySegment acc, int rows, int cols, float[] qScale, int q0, Int8Rows db, int c0,
                                  MemorySegment out) {
        int lanes = F.length();
        int bound = cols - cols % lanes;
        float[] rowScale = db.rowScale();
        int[] comp = db.compensation();
        for (int r = 0; r < rows; r++) {
            float s = qScale[q0 + r];
            long base = (long) r * cols * 4;
            for (int c = 0; c < bound; c += lanes) {
                IntVector a = IntVector.fromMemorySegment(I, acc, base + 4L * c, ORDER)
                        .sub(IntVector.fromArray(I, comp, c0 + c));
                ((FloatVector) a.convert(VectorOperators.I2F, 0)).mul(FloatVector.fromArray(F, rowScale, c0 + c))
                        .mul(s).intoMemorySegment(out, base + 4L * c, ORDER);
            }
            for (int c = bound; c < cols; c++) {
                int a = acc.get(ValueLayout.JAVA_INT_UNALIGNED, base + 4L * c) - comp[c0 + c];
                out.set(ValueLayout.JAVA_FLOAT_UNALIGNED, base + 4L * c, (float) a * rowScale[c0 + c] * s);
            }
        }
    }
}
