package io.ann4j.dsl;

import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.passes.Pipeline;
import io.ann4j.compiler.spi.Backend;
import io.ann4j.compiler.spi.Executable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A jitted function: traced once per input signature (dtypes and shapes), compiled, cached.
 * Safe to call from many threads at once; concurrent first calls with one signature trace and
 * compile once.
 *
 * @param <R> what the traced function returns ({@link Tensor}, {@link TopK}, ...); calls return
 *            the same structure with concrete tensors
 */
public final class Jitted<R> {
    /** A compiled signature: the executable and the structure of its outputs. */
    record Compiled(Graph graph, Graph optimized, Executable executable, Object outputTemplate) {}

    private final Function<Tensor[], Object> fn;
    private final int arity;
    private final JitConfig config;
    /** A signature and the backend it was compiled for. */
    private record Key(List<TensorType> signature, String backend) {}

    private final Map<Key, Compiled> cache = new ConcurrentHashMap<>();
    private final AtomicInteger traces = new AtomicInteger();

    Jitted(Function<Tensor[], Object> fn, int arity, JitConfig config) {
        this.fn = fn;
        this.arity = arity;
        this.config = config;
        io.ann4j.compiler.spi.Prewarm.start(config.backendName()); // a head start for the first compile
    }

    /**
     * Calls a one-argument function on a matrix (without this overload Java would spread the
     * rows over the varargs of {@link #call(Object...)}).
     */
    public R call(float[][] matrix) {
        return call(new Object[] {matrix});
    }

    /**
     * Calls the function on concrete inputs: {@code INDArray}, {@link Tensor}, {@code float[][]}
     * or {@code float[]} (a vector).
     */
    @SuppressWarnings("unchecked")
    public R call(Object... args) {
        if (args == null || (arity >= 0 && args.length != arity)) {
            throw new IllegalArgumentException("this function takes " + arity + " argument(s), got "
                    + (args == null ? 0 : args.length));
        }
        List<INDArray> inputs = new ArrayList<>(args.length);
        for (int i = 0; i < args.length; i++) {
            inputs.add(NdArrays.toArray(args[i], i));
        }
        List<TensorType> signature = new ArrayList<>(inputs.size()); // loops: a first call links no lambda here
        for (INDArray a : inputs) {
            signature.add(NdArrays.typeOf(a));
        }
        Compiled c = compiled(List.copyOf(signature));
        List<INDArray> outs = c.executable().execute(inputs);
        List<Tensor> tensors = new ArrayList<>(outs.size());
        for (INDArray a : outs) {
            tensors.add(Tensor.of(a));
        }
        return (R) Pytree.unflatten(c.outputTemplate(), tensors.iterator());
    }

    /** How many times the function was traced (once per distinct signature). */
    public int traceCount() {
        return traces.get();
    }

    /** The traced graph for a signature (before optimisation), tracing it if needed. */
    public Graph graph(List<TensorType> signature) {
        return compiled(signature).graph();
    }

    /** The graph the backend compiled for a signature (canonicalised and fused). */
    public Graph optimizedGraph(List<TensorType> signature) {
        return compiled(signature).optimized();
    }

    /**
     * The compiled form for a signature on the backend that applies now: the config's, else the
     * default read at this call ({@code -Dann4j.backend} changed later takes effect on the next
     * call, compiling for the new backend, and a name that does not resolve fails here, loudly).
     */
    Compiled compiled(List<TensorType> signature) {
        return cache.computeIfAbsent(new Key(signature, io.ann4j.compiler.spi.Backends.nameOrDefault(config.backendName())),
                this::compile);
    }

    private Compiled compile(Key key) {
        Backend backend = io.ann4j.compiler.spi.Backends.get(key.backend()); // resolves (or refuses) before tracing
        io.ann4j.compiler.spi.BackendOptions.check(backend, config.options());
        traces.incrementAndGet();
        Staged.Traced traced = Staged.trace(fn, key.signature());
        Graph graph = traced.graph();
        Object out = traced.template();
        Graph optimized = Pipeline.optimize(graph, config.options());
        return new Compiled(graph, optimized, backend.compile(optimized, config.options()), out);
    }
}
