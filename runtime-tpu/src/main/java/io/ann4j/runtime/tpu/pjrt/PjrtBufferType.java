package io.ann4j.runtime.tpu.pjrt;

import io.ann4j.compiler.ir.DType;

/**
 * ann4j's dtypes as {@code PJRT_Buffer_Type} values of {@code pjrt_c_api.h}: the enum counts
 * from {@code INVALID = 0, PRED, S8, S16, S32, S64, U8, U16, U32, U64, F16, F32, F64, BF16, ...}
 * (appended to, never reordered, within API major version 0).
 */
final class PjrtBufferType {
    static final int S32 = 4;
    static final int F16 = 10;
    static final int F32 = 11;
    static final int F64 = 12;
    static final int BF16 = 13;

    private PjrtBufferType() {}

    static int of(DType t) {
        return switch (t) {
            case I32 -> S32;
            case F16 -> F16;
            case F32 -> F32;
            case F64 -> F64;
            case BF16 -> BF16;
        };
    }
}
