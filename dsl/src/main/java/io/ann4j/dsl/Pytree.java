package io.ann4j.dsl;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The containers a traced function may return (JAX's pytrees, in the kinds ann4j has): a
 * {@link Tensor}, a {@link TopK}, a {@link KeyValue}, a {@code List} or a {@code Tensor[]} of
 * those.
 */
final class Pytree {
    private Pytree() {}

    static List<Tensor> flatten(Object tree) {
        List<Tensor> out = new ArrayList<>();
        flatten(tree, out);
        return out;
    }

    private static void flatten(Object tree, List<Tensor> out) {
        switch (tree) {
            case Tensor t -> out.add(t);
            case TopK t -> {
                out.add(t.values());
                out.add(t.indices());
            }
            case KeyValue kv -> {
                out.add(kv.keys());
                out.add(kv.values());
            }
            case List<?> list -> list.forEach(e -> flatten(e, out));
            case Tensor[] arr -> out.addAll(List.of(arr));
            case null -> throw new IllegalArgumentException("a traced function returned null");
            default -> throw new IllegalArgumentException("a traced function may return Tensor, TopK, KeyValue, "
                    + "List or Tensor[]; got " + tree.getClass().getName());
        }
    }

    /** Rebuilds {@code template}'s structure with the tensors of {@code leaves}, in order. */
    static Object unflatten(Object template, Iterator<Tensor> leaves) {
        return switch (template) {
            case Tensor t -> leaves.next();
            case TopK t -> new TopK(leaves.next(), leaves.next());
            case KeyValue kv -> new KeyValue(leaves.next(), leaves.next());
            case List<?> list -> {
                List<Object> out = new ArrayList<>();
                for (Object e : list) {
                    out.add(unflatten(e, leaves));
                }
                yield List.copyOf(out);
            }
            case Tensor[] arr -> {
                Tensor[] out = new Tensor[arr.length];
                for (int i = 0; i < arr.length; i++) {
                    out[i] = leaves.next();
                }
                yield out;
            }
            default -> throw new IllegalStateException("not a pytree: " + template);
        };
    }
}
