package io.ann4j.dsl;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The containers a traced function may return (JAX's pytrees, in the kinds ann4j has): a
 * {@link Tensor}, a {@link TopK}, a {@link KeyValue}, a {@code List} or a {@code Tensor[]} of
 * those, and the gradients of {@link Autodiff} (so {@code jit(valueAndGrad(f))} returns one).
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
            case Autodiff.ValueAndGrad vg -> {
                out.add(vg.value());
                out.addAll(List.of(vg.grads()));
            }
            case RowSparseGradient r -> {
                out.add(r.indices());
                out.add(r.updates());
            }
            case Autodiff.SparseValueAndGrad vg -> {
                out.add(vg.value());
                for (Object g : vg.grads()) {
                    flatten(g, out);
                }
            }
            case null -> throw new IllegalArgumentException("a traced function returned null");
            default -> throw new IllegalArgumentException("a traced function may return Tensor, TopK, KeyValue, "
                    + "List, Tensor[] or a gradient (ValueAndGrad, SparseValueAndGrad, RowSparseGradient); got "
                    + tree.getClass().getName());
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
            case Autodiff.ValueAndGrad vg -> {
                Tensor value = leaves.next();
                Tensor[] grads = new Tensor[vg.grads().length];
                for (int i = 0; i < grads.length; i++) {
                    grads[i] = leaves.next();
                }
                yield new Autodiff.ValueAndGrad(value, grads);
            }
            case RowSparseGradient r -> new RowSparseGradient(leaves.next(), leaves.next(), r.dense());
            case Autodiff.SparseValueAndGrad vg -> {
                Tensor value = leaves.next();
                Object[] grads = new Object[vg.grads().length];
                for (int i = 0; i < grads.length; i++) {
                    grads[i] = unflatten(vg.grads()[i], leaves);
                }
                yield new Autodiff.SparseValueAndGrad(value, grads);
            }
            default -> throw new IllegalStateException("not a pytree: " + template);
        };
    }
}
