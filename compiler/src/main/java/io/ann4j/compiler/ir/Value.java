package io.ann4j.compiler.ir;

/**
 * An SSA value of a graph: defined once, by a parameter or a node's output.
 *
 * @param id   unique within its graph
 * @param type its abstract value
 */
public record Value(int id, TensorType type) implements java.io.Serializable {
    @Override
    public String toString() {
        return "%" + id + ":" + type;
    }
}
