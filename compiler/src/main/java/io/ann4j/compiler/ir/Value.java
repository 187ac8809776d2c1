package io.ann4j.compiler.ir;

/**
 * An SSA value of a graph: defined once, by a parameter or a node's output.
 *
 * @param id   unique within its graph
 * @param type its abstract value
 */
public record Value(int id, TensorType type) implements java.io.Serializable {
    // Written out rather than left to the record (see TensorType): values key every pass's maps.
    @Override
    public boolean equals(Object o) {
        return o instanceof Value v && id == v.id && type.equals(v.type);
    }

    @Override
    public int hashCode() {
        return id * 31 + type.hashCode();
    }

    @Override
    public String toString() {
        return "%" + id + ":" + type;
    }
}
