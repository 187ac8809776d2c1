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

    // The two helpers below are loops rather than streams on purpose: they run in every pass of a
    // process's first compile, where each lambda's first use costs a linkage (~0.3 ms cold).

    /** The types of {@code values}, in order. */
    public static java.util.List<TensorType> types(java.util.List<Value> values) {
        java.util.List<TensorType> out = new java.util.ArrayList<>(values.size());
        for (Value v : values) {
            out.add(v.type);
        }
        return java.util.Collections.unmodifiableList(out);
    }

    /** {@code map.get} of each of {@code values}, in order (a missing one is null). */
    public static java.util.List<Value> mapped(java.util.List<Value> values, java.util.Map<Value, Value> map) {
        java.util.List<Value> out = new java.util.ArrayList<>(values.size());
        for (Value v : values) {
            out.add(map.get(v));
        }
        return java.util.Collections.unmodifiableList(out);
    }
}
