package io.ann4j.dsl;

import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.spi.Backends;
import io.ann4j.compiler.spi.DeviceSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Parallel map over devices, as {@code jax.pmap}: the function is compiled once and runs on
 * every device at once, device {@code i} on slice {@code i} of each mapped argument; the
 * per-device results are stacked along their out-axes. The devices are those of the backend the
 * function compiles for ({@link #deviceCount}, {@link #setDeviceCount}); on the CPU backend they
 * are logical ({@code ann4j.cpu.devices}, by default one per core), each running on its share of
 * the cores.
 *
 * <p>The seed's sharded search, with JAX's {@code in_axes=(None, 0, 0)} and
 * {@code out_axes=(1, 1)}:
 * <pre>{@code
 * Pmapped<TopK> search = Pmap.pmap((Tensor qy, Tensor db, Tensor offset) -> {
 *     TopK r = approxMinK(dotGeneral(qy, db, new int[] {1}, new int[] {1}),
 *             ApproxTopKOptions.k(10).reductionDimension(1).reductionInputSizeOverride(dbSize)
 *                     .aggregateToTopk(false));
 *     return new TopK(r.values(), add(r.indices(), offset));
 * }, PmapSpec.inAxes(null, 0, 0).outAxes(1, 1));
 * TopK perDevice = search.call(qy, shardedDb, offsets);   // [Q, devices, L]
 * }</pre>
 */
public final class Pmap {
    /** One (virtual) thread per running device: they mostly wait for the shared worker pool. */
    private static final java.util.concurrent.ExecutorService DEVICES =
            java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    private Pmap() {}

    /** A function of tensors mapped over devices. */
    public static <R> Pmapped<R> pmap(Jit.Fn3<R> f, PmapSpec spec) {
        return new Pmapped<>(a -> f.apply((Tensor) a[0], (Tensor) a[1], (Tensor) a[2]), 3, spec);
    }

    /** A function of two tensors mapped over devices. */
    public static <R> Pmapped<R> pmap(java.util.function.BiFunction<Tensor, Tensor, R> f, PmapSpec spec) {
        return new Pmapped<>(a -> f.apply((Tensor) a[0], (Tensor) a[1]), 2, spec);
    }

    /**
     * The general form: arguments at {@link PmapSpec#staticArgnums} positions are passed to
     * {@code f} as the Java values given to {@code call} (JAX's {@code static_broadcasted_argnums}:
     * part of the compile key); the others are tensors.
     */
    public static <R> Pmapped<R> pmapVarargs(Function<Object[], R> f, int arity, PmapSpec spec) {
        return new Pmapped<>(f, arity, spec);
    }

    /** A pmapped function; safe to call from many threads. */
    public static final class Pmapped<R> {
        private final Function<Object[], R> fn;
        private final int arity;
        private final PmapSpec spec;
        private final Map<List<Object>, Jitted<Object>> compiled = new ConcurrentHashMap<>();

        Pmapped(Function<Object[], R> fn, int arity, PmapSpec spec) {
            this.fn = fn;
            this.arity = arity;
            this.spec = spec;
        }

        /**
         * Runs on concrete arguments (INDArray, Tensor, float[][]; static ones as they are).
         *
         * @throws IllegalArgumentException when mapped axes disagree in size or there are more
         *     slices than devices
         */
        @SuppressWarnings("unchecked")
        public R call(Object... args) {
            if (args.length != arity) {
                throw new IllegalArgumentException("pmap: the function takes " + arity + " arguments, got " + args.length);
            }
            Integer[] inAxes = spec.inAxesFor(arity);
            int devices = -1;
            Object[] arrays = new Object[arity];
            List<Object> statics = new ArrayList<>();
            for (int i = 0; i < arity; i++) {
                if (spec.isStatic(i)) {
                    statics.add(args[i]);
                    continue;
                }
                INDArray a = NdArrays.toArray(args[i], i);
                arrays[i] = a;
                if (inAxes[i] != null) {
                    int axis = inAxes[i] < 0 ? inAxes[i] + a.rank() : inAxes[i];
                    if (axis < 0 || axis >= a.rank()) {
                        throw new IllegalArgumentException("pmap: in_axes[" + i + "] = " + inAxes[i]
                                + " is out of range for argument " + i + " of shape " + Arrays.toString(a.shape()));
                    }
                    int size = (int) a.size(axis);
                    if (devices >= 0 && size != devices) {
                        throw new IllegalArgumentException("pmap: mapped axes differ in size: argument " + i + " of shape "
                                + Arrays.toString(a.shape()) + " has " + size + " along axis " + axis + ", earlier ones " + devices);
                    }
                    devices = size;
                }
            }
            if (devices < 0) {
                throw new IllegalArgumentException("pmap: at least one argument needs an in-axis");
            }
            DeviceSet deviceSet = devicesOf(spec.config());
            if (devices > deviceSet.count()) {
                throw new IllegalArgumentException("pmap: " + devices + " slices need " + devices + " devices, but backend "
                        + backendName(spec.config()) + " has " + deviceSet.count() + " (Pmap.setDeviceCount, or -Dann4j."
                        + backendName(spec.config()) + ".devices)");
            }
            List<Object[]> perDevice = new ArrayList<>();
            for (int d = 0; d < devices; d++) {
                Object[] slice = new Object[arity];
                for (int i = 0; i < arity; i++) {
                    slice[i] = spec.isStatic(i) ? args[i]
                            : inAxes[i] == null ? arrays[i] : take((INDArray) arrays[i], inAxes[i], d);
                }
                perDevice.add(slice);
            }
            List<TensorType> signature = new ArrayList<>();
            for (int i = 0; i < arity; i++) {
                if (!spec.isStatic(i)) {
                    signature.add(NdArrays.typeOf((INDArray) perDevice.get(0)[i]));
                }
            }
            List<Object> key = new ArrayList<>(statics);
            key.add(signature);
            Object[] staticValues = new Object[arity];
            for (int i = 0; i < arity; i++) {
                staticValues[i] = spec.isStatic(i) ? args[i] : null;
            }
            Jitted<Object> jitted = compiled.computeIfAbsent(key, k -> Jit.jitVarargs(tensors -> {
                Object[] full = new Object[arity];
                for (int i = 0, t = 0; i < arity; i++) {
                    full[i] = spec.isStatic(i) ? staticValues[i] : tensors[t++];
                }
                return fn.apply(full);
            }, spec.config()));
            int count = devices;
            List<CompletableFuture<Object>> runs = new ArrayList<>();
            for (Object[] slice : perDevice) {
                Object[] dynamic = new Object[signature.size()];
                for (int i = 0, t = 0; i < arity; i++) {
                    if (!spec.isStatic(i)) {
                        dynamic[t++] = slice[i];
                    }
                }
                runs.add(CompletableFuture.supplyAsync(() -> deviceSet.runOnDevice(count, () -> jitted.call(dynamic)), DEVICES));
            }
            List<Object> outs;
            try {
                outs = runs.stream().map(CompletableFuture::join).toList();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw e;
            }
            Object template = outs.get(0);
            List<Tensor> first = Pytree.flatten(template);
            int[] outAxes = spec.outAxesFor(first.size());
            List<Tensor> stacked = new ArrayList<>();
            for (int leaf = 0; leaf < first.size(); leaf++) {
                INDArray[] parts = new INDArray[outs.size()];
                for (int d = 0; d < outs.size(); d++) {
                    parts[d] = Pytree.flatten(outs.get(d)).get(leaf).array();
                }
                int axis = outAxes[leaf] < 0 ? outAxes[leaf] + parts[0].rank() + 1 : outAxes[leaf];
                stacked.add(Tensor.of(Nd4j.stack(axis, parts).dup('c')));
            }
            return (R) Pytree.unflatten(template, stacked.iterator());
        }

        /** Whether the elements lie contiguously in c order (then a leading slice is a plain view). */
        private static boolean contiguous(INDArray a) {
            long expected = 1;
            for (int i = a.rank() - 1; i >= 0; i--) {
                if (a.size(i) > 1 && a.stride(i) != expected) {
                    return false;
                }
                expected *= a.size(i);
            }
            return true;
        }

        /** Slice {@code index} of {@code a} along {@code axis}, the axis removed. */
        private static INDArray take(INDArray a, int axis, int index) {
            int ax = axis < 0 ? axis + a.rank() : axis;
            if (ax == 0 && contiguous(a)) {
                // A shard of a c-order array is contiguous: a view, no copy of the database.
                return a.get(org.nd4j.linalg.indexing.NDArrayIndex.point(index));
            }
            int[] perm = new int[a.rank()];
            perm[0] = ax;
            for (int i = 0, j = 1; i < a.rank(); i++) {
                if (i != ax) {
                    perm[j++] = i;
                }
            }
            INDArray moved = a.permute(perm);
            long[] rest = Arrays.copyOfRange(moved.shape(), 1, moved.rank());
            return moved.get(org.nd4j.linalg.indexing.NDArrayIndex.point(index)).dup('c').reshape('c', rest);
        }
    }

    /** The name of the backend {@code config} compiles for (its own, else the default now). */
    private static String backendName(JitConfig config) {
        return Backends.nameOrDefault(config.backendName());
    }

    private static DeviceSet devicesOf(JitConfig config) {
        return Backends.get(backendName(config)).devices();
    }

    /** How many devices pmap may map over on the backend {@code config} compiles for. */
    public static int deviceCount(JitConfig config) {
        return devicesOf(config).count();
    }

    /**
     * Sets how many devices the backend {@code config} compiles for offers pmap, where they are
     * logical (the CPU's; XLA's {@code --xla_force_host_platform_device_count}).
     *
     * @throws UnsupportedOperationException where the backend's devices are fixed
     */
    public static void setDeviceCount(JitConfig config, int devices) {
        devicesOf(config).setCount(devices);
    }
}
