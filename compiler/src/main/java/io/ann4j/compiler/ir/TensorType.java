package io.ann4j.compiler.ir;

/**
 * The abstract value of a tensor: its element type and shape. Tracing works on these alone; they
 * are what a jitted function's cache is keyed on.
 *
 * @param dtype element type
 * @param shape dimensions, row-major
 */
public record TensorType(DType dtype, Dims shape) implements java.io.Serializable {

    public TensorType {
        if (dtype == null || shape == null) {
            throw new IllegalArgumentException("dtype and shape must not be null");
        }
        for (int i = 0; i < shape.size(); i++) {
            if (shape.get(i) < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + shape);
            }
        }
    }

    public static TensorType of(DType dtype, int... shape) {
        return new TensorType(dtype, Dims.of(shape));
    }

    public int rank() {
        return shape.size();
    }

    public int dim(int axis) {
        return shape.get(axis);
    }

    public long elementCount() {
        return shape.product();
    }

    /** Same dtype, another shape. */
    public TensorType withShape(int... dims) {
        return new TensorType(dtype, Dims.of(dims));
    }

    /** Same shape, another dtype. */
    public TensorType withDType(DType other) {
        return new TensorType(other, shape);
    }

    /** JAX's short form, e.g. {@code f32[200,128]}. */
    // Written out rather than left to the record: its generated equals/hashCode link through
    // invokedynamic bootstraps that cost a cold process milliseconds, and graphs hash these constantly.
    @Override
    public boolean equals(Object o) {
        return o instanceof TensorType t && dtype == t.dtype && shape.equals(t.shape);
    }

    @Override
    public int hashCode() {
        return dtype.hashCode() * 31 + shape.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(dtype.shortName()).append('[');
        for (int i = 0; i < shape.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(shape.get(i));
        }
        return sb.append(']').toString();
    }
}
