package io.ann4j.runtime.tpu.pjrt;

import io.ann4j.compiler.spi.StorageTypes;
import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.ir.Value;
import io.ann4j.compiler.spi.Executable;
import io.ann4j.compiler.spi.NativeViews;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A graph compiled by a PJRT plugin: each {@link #execute} copies the inputs to device 0, runs
 * there, and copies the results back into new c-order arrays of the graph's result types (f32,
 * f64, f16, bf16, i32 as ND4J stores them). Device buffers live only for the call. The loaded
 * executable is destroyed by {@link #close()}, or when this object becomes unreachable.
 */
public final class PjrtExecutable implements Executable, AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private final PjrtClient client;
    private final MemorySegment loaded;
    private final List<TensorType> parameters;
    private final List<TensorType> results;
    private final Cleaner.Cleanable cleanable;

    private PjrtExecutable(PjrtClient client, MemorySegment loaded, List<TensorType> parameters, List<TensorType> results) {
        this.client = client;
        this.loaded = loaded;
        this.parameters = parameters;
        this.results = results;
        // the action holds only the client and the pointer, never this object
        this.cleanable = CLEANER.register(this, () -> client.destroyExecutable(loaded));
    }

    /**
     * Compiles {@code module} (the StableHLO lowering of {@code graph}) with {@code client}.
     *
     * @throws PjrtException with the plugin's message when compilation fails, or when the
     *     program's output count differs from the graph's
     */
    public static PjrtExecutable compile(PjrtClient client, Graph graph, String module) {
        MemorySegment loaded = client.compile(module);
        List<TensorType> results = graph.results().stream().map(Value::type).toList();
        try {
            long outputs = client.numOutputs(loaded);
            if (outputs != results.size()) {
                throw new PjrtException("the compiled program has " + outputs + " outputs, the graph " + results.size());
            }
        } catch (RuntimeException e) {
            client.destroyExecutable(loaded);
            throw e;
        }
        return new PjrtExecutable(client, loaded, graph.parameters().stream().map(Value::type).toList(), results);
    }

    @Override
    public List<INDArray> execute(List<INDArray> inputs) {
        if (inputs.size() != parameters.size()) {
            throw new IllegalArgumentException("expected " + parameters.size() + " inputs, got " + inputs.size());
        }
        MemorySegment[] arguments = new MemorySegment[inputs.size()];
        MemorySegment[] outputs = null;
        try {
            for (int i = 0; i < arguments.length; i++) {
                TensorType t = parameters.get(i);
                INDArray host = hostArray(inputs.get(i), t, i);
                arguments[i] = client.upload(NativeViews.segment(host), t.dtype(), shape(t));
            }
            outputs = client.execute(loaded, arguments, results.size());
            List<INDArray> out = new ArrayList<>();
            for (int i = 0; i < outputs.length; i++) {
                TensorType t = results.get(i);
                INDArray r = Nd4j.create(StorageTypes.storageType(t.dtype()), shape(t), 'c');
                client.download(outputs[i], NativeViews.segment(r));
                out.add(r);
            }
            return out;
        } finally {
            for (MemorySegment a : arguments) {
                client.destroyBuffer(a);
            }
            if (outputs != null) {
                for (MemorySegment o : outputs) {
                    client.destroyBuffer(o);
                }
            }
        }
    }

    /** A dense c-order array of the parameter's storage type, holding {@code in}'s values. */
    private static INDArray hostArray(INDArray in, TensorType t, int index) {
        if (!Arrays.equals(in.shape(), shape(t))) {
            throw new IllegalArgumentException("input " + index + " has shape " + Arrays.toString(in.shape())
                    + ", the program expects " + t);
        }
        INDArray typed = in.dataType() == StorageTypes.storageType(t.dtype()) ? in : in.castTo(StorageTypes.storageType(t.dtype()));
        return NativeViews.dense(typed);
    }

    private static long[] shape(TensorType t) {
        return StorageTypes.longs(t.shape());
    }

    /** Destroys the loaded executable ({@code PJRT_LoadedExecutable_Destroy}); idempotent. */
    @Override
    public void close() {
        cleanable.clean();
    }
}
