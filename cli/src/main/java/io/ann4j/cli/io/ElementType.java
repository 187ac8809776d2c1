package io.ann4j.cli.io;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** The element types stored in files, with bulk conversion to float32 and int32. */
public enum ElementType {
    FLOAT32("float32", 4, false),
    FLOAT16("float16", 2, false),
    FLOAT64("float64", 8, false),
    INT32("int32", 4, true),
    INT64("int64", 8, true),
    UINT8("uint8", 1, true),
    INT8("int8", 1, true);

    private final String numpyName;
    private final int bytes;
    private final boolean integer;

    ElementType(String numpyName, int bytes, boolean integer) {
        this.numpyName = numpyName;
        this.bytes = bytes;
        this.integer = integer;
    }

    /** NumPy's name for the type. */
    public String numpyName() {
        return numpyName;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** Whether the elements are integers. */
    public boolean isInteger() {
        return integer;
    }

    /** Converts {@code n} elements at {@code offset} (bytes) of {@code seg} to float32. */
    public void toFloats(MemorySegment seg, long offset, ByteOrder order, float[] dst, int at, int n) {
        switch (this) {
            case FLOAT32 -> MemorySegment.copy(seg, ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(order), offset, dst, at, n);
            case FLOAT16 -> {
                ValueLayout.OfShort l = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order);
                for (int i = 0; i < n; i++) {
                    dst[at + i] = Float.float16ToFloat(seg.get(l, offset + 2L * i));
                }
            }
            case FLOAT64 -> {
                ValueLayout.OfDouble l = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(order);
                for (int i = 0; i < n; i++) {
                    dst[at + i] = (float) seg.get(l, offset + 8L * i);
                }
            }
            case INT32 -> {
                ValueLayout.OfInt l = ValueLayout.JAVA_INT_UNALIGNED.withOrder(order);
                for (int i = 0; i < n; i++) {
                    dst[at + i] = seg.get(l, offset + 4L * i);
                }
            }
            case INT64 -> {
                ValueLayout.OfLong l = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(order);
                for (int i = 0; i < n; i++) {
                    dst[at + i] = seg.get(l, offset + 8L * i);
                }
            }
            case UINT8 -> {
                for (int i = 0; i < n; i++) {
                    dst[at + i] = Byte.toUnsignedInt(seg.get(ValueLayout.JAVA_BYTE, offset + i));
                }
            }
            case INT8 -> {
                for (int i = 0; i < n; i++) {
                    dst[at + i] = seg.get(ValueLayout.JAVA_BYTE, offset + i);
                }
            }
        }
    }

    /**
     * Converts {@code n} integer elements to int32; returns false (leaving {@code dst} partly
     * written) if this is a floating point type or an int64 does not fit.
     */
    public boolean toInts(MemorySegment seg, long offset, ByteOrder order, int[] dst, int at, int n) {
        switch (this) {
            case INT32 -> MemorySegment.copy(seg, ValueLayout.JAVA_INT_UNALIGNED.withOrder(order), offset, dst, at, n);
            case INT64 -> {
                ValueLayout.OfLong l = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(order);
                for (int i = 0; i < n; i++) {
                    long v = seg.get(l, offset + 8L * i);
                    if (v != (int) v) {
                        return false;
                    }
                    dst[at + i] = (int) v;
                }
            }
            case UINT8 -> {
                for (int i = 0; i < n; i++) {
                    dst[at + i] = Byte.toUnsignedInt(seg.get(ValueLayout.JAVA_BYTE, offset + i));
                }
            }
            case INT8 -> {
                for (int i = 0; i < n; i++) {
                    dst[at + i] = seg.get(ValueLayout.JAVA_BYTE, offset + i);
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }
}
