package io.ann4j.dsl;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.ir.Value;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A tensor handle. Inside a traced function it is symbolic (a value of the graph being
 * recorded: only its type is known); outside it is concrete and holds an ND4J array. Ops on
 * concrete tensors run at once (eagerly), ops on symbolic ones are recorded.
 *
 * <pre>{@code
 * Tensor db = Tensor.of(new float[][] {{1, 0}, {0, 1}, {1, 1}});
 * Tensor qy = Tensor.of(new float[][] {{1, 2}});
 * TopK best = Ops.approxMaxK(Ops.dot(qy, Ops.transpose(db)), 2);   // eager
 * }</pre>
 */
public final class Tensor {
    private final Trace trace;
    private final Value value;
    private final INDArray array;
    private final TensorType type;
    /** For error messages: how the user's own operand became this one ("transpose of f32[500,16]"), or null. */
    private final String origin;

    private Tensor(Trace trace, Value value, INDArray array, TensorType type) {
        this(trace, value, array, type, null);
    }

    private Tensor(Trace trace, Value value, INDArray array, TensorType type, String origin) {
        this.trace = trace;
        this.value = value;
        this.array = array;
        this.type = type;
        this.origin = origin;
    }

    /** The same tensor, remembering how it was derived from the user's operand (for messages). */
    Tensor withOrigin(String how) {
        return new Tensor(trace, value, array, type, how);
    }

    /** How this tensor was derived from a user's operand, or null. */
    String origin() {
        return origin;
    }

    static Tensor symbolic(Trace trace, Value value) {
        return new Tensor(trace, value, null, value.type());
    }

    /** A concrete tensor over an ND4J array (not copied; c-order copies are made when needed). */
    public static Tensor of(INDArray array) {
        return new Tensor(null, null, array, NdArrays.typeOf(array));
    }

    /** A concrete f32 tensor of shape {@code [rows, cols]}; the rows must all have one length. */
    public static Tensor of(float[][] rows) {
        return of(NdArrays.fromRows(rows));
    }

    /** A concrete f32 tensor over {@code data} in row-major order with the given shape. */
    public static Tensor of(float[] data, int... shape) {
        return of(NdArrays.fromFlat(data, shape));
    }

    /** The element type. */
    public DType dtype() {
        return type.dtype();
    }

    /** The dimensions (a copy). */
    public int[] shape() {
        return type.shape().toArray();
    }

    /** The size of dimension {@code axis}; negative axes count from the end. */
    public int dim(int axis) {
        return type.dim(axis < 0 ? axis + type.rank() : axis);
    }

    public int rank() {
        return type.rank();
    }

    /** Dtype and shape. */
    public TensorType type() {
        return type;
    }

    /** Whether this tensor holds data (false inside a traced function). */
    public boolean isConcrete() {
        return array != null;
    }

    /**
     * The data of a concrete tensor.
     *
     * @throws IllegalStateException inside a traced function, where tensors have no data yet
     */
    public INDArray array() {
        if (array == null) {
            throw new IllegalStateException("tensor " + type + " is symbolic (it is being traced) and has no data yet");
        }
        return array;
    }

    Trace trace() {
        return trace;
    }

    Value valueIn(Trace t) {
        if (trace != t) {
            throw new IllegalArgumentException("tensor " + type + " belongs to another trace (did a traced tensor escape its function?)");
        }
        return value;
    }

    @Override
    public String toString() {
        return isConcrete() ? "Tensor" + type + " " + array : "Traced<" + type + ">";
    }
}
