package io.ann4j.compiler.spi;

import java.lang.ref.WeakReference;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An array whose elements never change after it is made, so that backends may keep forms derived
 * from it across calls (a quantized copy of a database, its rows' norms) without ever serving a
 * stale one. It owns a private copy of the caller's data; changing the caller's array afterwards
 * changes nothing here (as {@code jax.device_put} copies a NumPy array).
 *
 * <p>A backend receives the private array as an ordinary input; {@link #lookup} recognises it.
 * What is derived lives as long as this object.
 */
public final class PreparedArray {
    /** Private arrays by buffer address; the weak reference and an identity check make it safe. */
    private static final Map<Long, WeakReference<PreparedArray>> REGISTRY = new ConcurrentHashMap<>();

    private final INDArray array;
    private final Map<Object, Object> derived = new ConcurrentHashMap<>();

    private PreparedArray(INDArray array) {
        this.array = array;
        REGISTRY.values().removeIf(r -> r.get() == null);
        REGISTRY.put(key(array), new WeakReference<>(this));
    }

    /** A prepared copy of {@code source} (c order, same dtype and shape). */
    public static PreparedArray copyOf(INDArray source) {
        return new PreparedArray(source.dup('c'));
    }

    /**
     * {@code unchanging} itself, prepared without a copy: for owners of memory that is written
     * once and then only read (a store's filled rows, which appends never touch again). The
     * caller promises that no element changes while this object lives; a change would let a
     * backend serve a form derived from the old elements.
     *
     * @throws IllegalArgumentException if the elements are not contiguous in c order
     */
    public static PreparedArray ofUnchanging(INDArray unchanging) {
        if (!NativeViews.isContiguousC(unchanging)) {
            throw new IllegalArgumentException("ofUnchanging: the array must be contiguous in c order, shape "
                    + java.util.Arrays.toString(unchanging.shape()) + " stride " + java.util.Arrays.toString(unchanging.stride()));
        }
        return new PreparedArray(unchanging);
    }

    /**
     * The private array: pass it to an executable, never write to it (the executables of this
     * project only read their inputs, and never return one without copying it).
     */
    public INDArray array() {
        return array;
    }

    /** The prepared array whose private array is {@code a} itself, or null. */
    public static PreparedArray lookup(INDArray a) {
        if (a == null || a.isEmpty()) {
            return null;
        }
        WeakReference<PreparedArray> ref = REGISTRY.get(key(a));
        PreparedArray p = ref == null ? null : ref.get();
        return p != null && p.array == a ? p : null;
    }

    /**
     * A form derived from this array, made once per key ({@code make} runs at most once per key,
     * even under concurrent calls). Keys compare by {@code equals}; a derived array that a caller
     * may see must be copied first.
     */
    @SuppressWarnings("unchecked")
    public <T> T derived(Object key, Supplier<T> make) {
        return (T) derived.computeIfAbsent(key, k -> make.get());
    }

    /**
     * An array computed from prepared arrays alone (a step of a program whose inputs are all
     * prepared), itself prepared and kept with this array under {@code key}.
     */
    public List<PreparedArray> derivedArrays(Object key, Supplier<List<INDArray>> make) {
        return derived(key, () -> {
            List<INDArray> arrays = make.get();
            PreparedArray[] out = new PreparedArray[arrays.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = lookup(arrays.get(i)) != null ? lookup(arrays.get(i)) : new PreparedArray(arrays.get(i).dup('c'));
            }
            return List.of(out);
        });
    }

    private static long key(INDArray a) {
        return a.data().address() + a.offset() * a.dataType().width();
    }
}
