package io.ann4j.compiler.ir;

/**
 * Element types of ann4j tensors. The floating types are those JAX's ann tests run on; {@code I32}
 * is the type of indices.
 */
public enum DType {
    F32("f32", 4, true),
    F64("f64", 8, true),
    F16("f16", 2, true),
    BF16("bf16", 2, true),
    I32("i32", 4, false);

    private final String shortName;
    private final int byteSize;
    private final boolean floating;

    DType(String shortName, int byteSize, boolean floating) {
        this.shortName = shortName;
        this.byteSize = byteSize;
        this.floating = floating;
    }

    /** The short name JAX prints, e.g. {@code f32}. */
    public String shortName() {
        return shortName;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** Whether this is a floating-point type. */
    public boolean isFloating() {
        return floating;
    }

    /**
     * The type two floating operands of a product are computed in, as {@code jnp.promote_types}
     * gives it: the same type if they agree, f64 if either is f64, else f32 (f32 with a half type,
     * or bf16 with f16). So {@code dot(qy, transpose(db))} with f32 queries and a bf16 database
     * scores in f32.
     */
    public static DType promote(DType a, DType b) {
        if (a == b) {
            return a;
        }
        if (!a.floating || !b.floating) {
            throw new IllegalArgumentException("no promotion between " + a.shortName + " and " + b.shortName);
        }
        return a == F64 || b == F64 ? F64 : F32;
    }

    /** Half types are stored in 16 bits and computed in f32 by the CPU backend. */
    public boolean isHalf() {
        return this == F16 || this == BF16;
    }
}
