package io.ann4j.runtime.tpu.pjrt;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.ann4j.compiler.ir.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code PJRT_Client} of a plugin: compiles StableHLO, moves buffers between host and device 0,
 * runs executables. Thread-safe as PJRT clients are; every native struct lives in an {@link
 * Arena} closed when the call returns, and every PJRT object made for a call (buffers, events) is
 * destroyed in a {@code finally}.
 *
 * <p>Field offsets below are those of {@code pjrt_c_api.h} on LP64; each args struct begins with
 * {@code struct_size} (0) and {@code extension_start} (8).
 */
public final class PjrtClient implements AutoCloseable {
    /** {@code PJRT_HostBufferSemantics_kImmutableOnlyDuringCall}: the plugin copies during the call. */
    private static final int IMMUTABLE_ONLY_DURING_CALL = 0;

    private final PjrtPlugin plugin;
    private final MemorySegment client;
    private final List<MemorySegment> devices;
    private final String platformName;
    private volatile boolean closed;

    private PjrtClient(PjrtPlugin plugin, MemorySegment client, List<MemorySegment> devices, String platformName) {
        this.plugin = plugin;
        this.client = client;
        this.devices = devices;
        this.platformName = platformName;
    }

    /**
     * Initializes the plugin ({@code PJRT_Plugin_Initialize}, once) and creates a client with the
     * plugin's default options ({@code PJRT_Client_Create}).
     *
     * @throws PjrtException with the plugin's message when it fails, or when it has no devices
     */
    public static PjrtClient create(PjrtPlugin plugin) {
        return create(plugin, List.of());
    }

    /**
     * As {@link #create(PjrtPlugin)}, passing {@code options} to {@code PJRT_Client_Create} (e.g.
     * the CUDA plugin's {@code preallocate=false}).
     *
     * @throws PjrtException with the plugin's message when it fails (an option it does not know
     *     included), or when it has no devices
     */
    public static PjrtClient create(PjrtPlugin plugin, List<PjrtOption> options) {
        plugin.initialize();
        MemorySegment client;
        try (Arena arena = Arena.ofConfined()) {
            // create_options@16 num_options@24 kv_get@32 kv_get_arg@40 kv_put@48 kv_put_arg@56 client@64
            MemorySegment args = PjrtArgs.allocate(arena, 72);
            args.set(ADDRESS, 16, PjrtOption.toNative(options, arena));
            args.set(JAVA_LONG, 24, options.size());
            plugin.call(PjrtFunction.Client_Create, args);
            client = args.get(ADDRESS, 64);
        }
        if (client.equals(MemorySegment.NULL)) {
            throw new PjrtException("PJRT_Client_Create of " + plugin.name() + " returned no client and no error");
        }
        try (Arena arena = Arena.ofConfined()) {
            // client@16 addressable_devices@24 num_addressable_devices@32
            MemorySegment args = PjrtArgs.allocate(arena, 40);
            args.set(ADDRESS, 16, client);
            plugin.call(PjrtFunction.Client_AddressableDevices, args);
            long n = args.get(JAVA_LONG, 32);
            if (n <= 0) {
                throw new PjrtException("PJRT plugin " + plugin.name() + " has no addressable devices");
            }
            MemorySegment list = args.get(ADDRESS, 24).reinterpret(8 * n);
            List<MemorySegment> devices = new ArrayList<>();
            for (long i = 0; i < n; i++) {
                devices.add(list.getAtIndex(ADDRESS, i));
            }
            String platform = "?";
            if (plugin.has(PjrtFunction.Client_PlatformName)) {
                MemorySegment p = PjrtArgs.allocate(arena, 40); // client@16 name@24 name_size@32
                p.set(ADDRESS, 16, client);
                plugin.call(PjrtFunction.Client_PlatformName, p);
                platform = string(p.get(ADDRESS, 24), p.get(JAVA_LONG, 32));
            }
            return new PjrtClient(plugin, client, List.copyOf(devices), platform);
        } catch (RuntimeException e) {
            destroyClient(plugin, client);
            throw e;
        }
    }

    public PjrtPlugin plugin() {
        return plugin;
    }

    /** What the plugin calls its platform, e.g. {@code tpu}, {@code cuda}, {@code cpu}. */
    public String platformName() {
        return platformName;
    }

    /**
     * The plugin's {@code PJRT_Client_PlatformVersion} (e.g. the CUDA or libtpu version), or
     * {@code "?"} when it does not say.
     */
    public String platformVersion() {
        ensureOpen();
        if (!plugin.has(PjrtFunction.Client_PlatformVersion)) {
            return "?";
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = PjrtArgs.allocate(arena, 40); // client@16 platform_version@24 platform_version_size@32
            p.set(ADDRESS, 16, client);
            plugin.call(PjrtFunction.Client_PlatformVersion, p);
            return string(p.get(ADDRESS, 24), p.get(JAVA_LONG, 32));
        }
    }

    /**
     * The kind of device 0 ({@code PJRT_DeviceDescription_Kind}, e.g. {@code "NVIDIA H200"} or
     * {@code "TPU v4"}), or {@code "?"} when the plugin does not say.
     */
    public String deviceKind() {
        ensureOpen();
        if (!plugin.has(PjrtFunction.Device_GetDescription) || !plugin.has(PjrtFunction.DeviceDescription_Kind)) {
            return "?";
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment get = PjrtArgs.allocate(arena, 32); // device@16 device_description@24
            get.set(ADDRESS, 16, devices.get(0));
            plugin.call(PjrtFunction.Device_GetDescription, get);
            MemorySegment kind = PjrtArgs.allocate(arena, 40); // device_description@16 device_kind@24 device_kind_size@32
            kind.set(ADDRESS, 16, get.get(ADDRESS, 24));
            plugin.call(PjrtFunction.DeviceDescription_Kind, kind);
            return string(kind.get(ADDRESS, 24), kind.get(JAVA_LONG, 32));
        }
    }

    /** Number of addressable devices; ann4j runs on the first. */
    public int deviceCount() {
        return devices.size();
    }

    /**
     * Compiles a StableHLO module given as MLIR text ({@code PJRT_Program} format {@code "mlir"},
     * which takes bytecode or text) and returns the {@code PJRT_LoadedExecutable*}.
     *
     * <p>Compile options: {@code PJRT_Client_Compile} takes a serialized {@code
     * xla.CompileOptionsProto} ({@link PjrtCompileOptions}): one replica, one partition, no device
     * ordinal, so the client's default device assignment (device 0). An empty message would leave
     * {@code num_replicas} at proto3's 0, not XLA's 1.
     */
    MemorySegment compile(String mlir) {
        ensureOpen();
        try (Arena arena = Arena.ofConfined()) {
            byte[] code = mlir.getBytes(StandardCharsets.UTF_8);
            MemorySegment text = arena.allocate(code.length + 1L);
            text.copyFrom(MemorySegment.ofArray(code));
            MemorySegment format = arena.allocateFrom("mlir");
            MemorySegment program = PjrtArgs.allocate(arena, 48); // code@16 code_size@24 format@32 format_size@40
            program.set(ADDRESS, 16, text);
            program.set(JAVA_LONG, 24, code.length);
            program.set(ADDRESS, 32, format);
            program.set(JAVA_LONG, 40, 4);
            MemorySegment options = arena.allocate(PjrtCompileOptions.BYTES.length);
            options.copyFrom(MemorySegment.ofArray(PjrtCompileOptions.BYTES));
            // client@16 program@24 compile_options@32 compile_options_size@40 executable@48
            MemorySegment args = PjrtArgs.allocate(arena, 56);
            args.set(ADDRESS, 16, client);
            args.set(ADDRESS, 24, program);
            args.set(ADDRESS, 32, options);
            args.set(JAVA_LONG, 40, PjrtCompileOptions.BYTES.length);
            plugin.call(PjrtFunction.Client_Compile, args);
            MemorySegment executable = args.get(ADDRESS, 48);
            if (executable.equals(MemorySegment.NULL)) {
                throw new PjrtException("PJRT_Client_Compile returned no executable and no error");
            }
            return executable;
        }
    }

    /**
     * The number of outputs the compiled program returns per device ({@code
     * PJRT_LoadedExecutable_GetExecutable} then {@code PJRT_Executable_NumOutputs}).
     */
    long numOutputs(MemorySegment loaded) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment get = PjrtArgs.allocate(arena, 32); // loaded_executable@16 executable@24
            get.set(ADDRESS, 16, loaded);
            plugin.call(PjrtFunction.LoadedExecutable_GetExecutable, get);
            MemorySegment executable = get.get(ADDRESS, 24);
            try {
                MemorySegment n = PjrtArgs.allocate(arena, 32); // executable@16 num_outputs@24
                n.set(ADDRESS, 16, executable);
                plugin.call(PjrtFunction.Executable_NumOutputs, n);
                return n.get(JAVA_LONG, 24);
            } finally {
                MemorySegment d = PjrtArgs.allocate(arena, 24); // executable@16
                d.set(ADDRESS, 16, executable);
                plugin.call(PjrtFunction.Executable_Destroy, d);
            }
        }
    }

    /**
     * Copies a dense row-major host array to device 0 ({@code PJRT_Client_BufferFromHostBuffer})
     * and returns the {@code PJRT_Buffer*}; the caller destroys it with {@link #destroyBuffer}.
     * The host data may be freed when this returns: the plugin's done-with-host-buffer event has
     * been awaited.
     */
    MemorySegment upload(MemorySegment data, DType type, long[] dims) {
        ensureOpen();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dimensions = arena.allocate(JAVA_LONG, Math.max(1, dims.length));
            for (int i = 0; i < dims.length; i++) {
                dimensions.setAtIndex(JAVA_LONG, i, dims[i]);
            }
            // client@16 data@24 type@32 dims@40 num_dims@48 byte_strides@56 num_byte_strides@64
            // host_buffer_semantics@72 device@80 memory@88 device_layout@96 done_with_host_buffer@104 buffer@112
            MemorySegment args = PjrtArgs.allocate(arena, 120);
            args.set(ADDRESS, 16, client);
            args.set(ADDRESS, 24, data);
            args.set(JAVA_INT, 32, PjrtBufferType.of(type));
            args.set(ADDRESS, 40, dimensions);
            args.set(JAVA_LONG, 48, dims.length);
            args.set(JAVA_INT, 72, IMMUTABLE_ONLY_DURING_CALL);
            args.set(ADDRESS, 80, devices.get(0));
            plugin.call(PjrtFunction.Client_BufferFromHostBuffer, args);
            MemorySegment buffer = args.get(ADDRESS, 112);
            try {
                awaitAndDestroy(args.get(ADDRESS, 104), "the host-to-device copy");
            } catch (RuntimeException e) {
                destroyBuffer(buffer);
                throw e;
            }
            return buffer;
        }
    }

    /**
     * Runs a loaded executable once on device 0 ({@code PJRT_LoadedExecutable_Execute}, one
     * device, default options), waits for it, and returns its output buffers, which the caller
     * destroys.
     */
    MemorySegment[] execute(MemorySegment loaded, MemorySegment[] arguments, int numOutputs) {
        ensureOpen();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment argumentList = arena.allocate(ADDRESS, Math.max(1, arguments.length));
            for (int i = 0; i < arguments.length; i++) {
                argumentList.setAtIndex(ADDRESS, i, arguments[i]);
            }
            MemorySegment argumentLists = arena.allocate(ADDRESS, 1); // [num_devices = 1][num_args]
            argumentLists.set(ADDRESS, 0, argumentList);
            MemorySegment outputList = arena.allocate(ADDRESS, Math.max(1, numOutputs));
            MemorySegment outputLists = arena.allocate(ADDRESS, 1);
            outputLists.set(ADDRESS, 0, outputList);
            MemorySegment events = arena.allocate(ADDRESS, 1);
            // send_callbacks@16 recv_callbacks@24 num_send_ops@32 num_recv_ops@40 launch_id@48 (all unset)
            MemorySegment options = PjrtArgs.allocate(arena, 52);
            // executable@16 options@24 argument_lists@32 num_devices@40 num_args@48 output_lists@56
            // device_complete_events@64 execute_device@72 (null: the device chosen at compile time, device 0)
            MemorySegment args = PjrtArgs.allocate(arena, 80);
            args.set(ADDRESS, 16, loaded);
            args.set(ADDRESS, 24, options);
            args.set(ADDRESS, 32, argumentLists);
            args.set(JAVA_LONG, 40, 1);
            args.set(JAVA_LONG, 48, arguments.length);
            args.set(ADDRESS, 56, outputLists);
            args.set(ADDRESS, 64, events);
            plugin.call(PjrtFunction.LoadedExecutable_Execute, args);
            MemorySegment[] outputs = new MemorySegment[numOutputs];
            for (int i = 0; i < numOutputs; i++) {
                outputs[i] = outputList.getAtIndex(ADDRESS, i);
            }
            try {
                awaitAndDestroy(events.get(ADDRESS, 0), "the execution");
            } catch (RuntimeException e) {
                for (MemorySegment o : outputs) {
                    destroyBuffer(o);
                }
                throw e;
            }
            return outputs;
        }
    }

    /**
     * Copies a device buffer into {@code destination} ({@code PJRT_Buffer_ToHostBuffer}, the
     * buffer's own layout, which for the default layouts ann4j uses is dense row-major) and waits
     * for the copy.
     */
    void download(MemorySegment buffer, MemorySegment destination) {
        ensureOpen();
        try (Arena arena = Arena.ofConfined()) {
            // src@16 host_layout@24 dst@32 dst_size@40 event@48
            MemorySegment query = PjrtArgs.allocate(arena, 56);
            query.set(ADDRESS, 16, buffer);
            plugin.call(PjrtFunction.Buffer_ToHostBuffer, query); // dst null: asks for the size
            awaitAndDestroy(query.get(ADDRESS, 48), "the size query");
            long needed = query.get(JAVA_LONG, 40);
            if (needed != destination.byteSize()) {
                throw new PjrtException("PJRT output buffer holds " + needed + " bytes, the program's result type "
                        + destination.byteSize());
            }
            MemorySegment args = PjrtArgs.allocate(arena, 56);
            args.set(ADDRESS, 16, buffer);
            args.set(ADDRESS, 32, destination);
            args.set(JAVA_LONG, 40, destination.byteSize());
            plugin.call(PjrtFunction.Buffer_ToHostBuffer, args);
            awaitAndDestroy(args.get(ADDRESS, 48), "the device-to-host copy");
        }
    }

    /** {@code PJRT_Buffer_Destroy}; null is ignored. */
    void destroyBuffer(MemorySegment buffer) {
        destroy(PjrtFunction.Buffer_Destroy, buffer);
    }

    /** {@code PJRT_LoadedExecutable_Destroy}; null, or a closed client, is ignored. */
    void destroyExecutable(MemorySegment executable) {
        if (!closed) {
            destroy(PjrtFunction.LoadedExecutable_Destroy, executable);
        }
    }

    /** {@code PJRT_Client_Destroy}. Executables and buffers of this client must not be used after. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            destroyClient(plugin, client);
        }
    }

    private void awaitAndDestroy(MemorySegment event, String what) {
        if (event.equals(MemorySegment.NULL)) {
            return; // the plugin finished synchronously and gave no event
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment args = PjrtArgs.allocate(arena, 24); // event@16
            args.set(ADDRESS, 16, event);
            try {
                plugin.call(PjrtFunction.Event_Await, args);
            } catch (PjrtException e) {
                throw new PjrtException(e.getMessage() + " (while waiting for " + what + ")", e.code());
            } finally {
                destroy(PjrtFunction.Event_Destroy, event);
            }
        }
    }

    private void destroy(PjrtFunction f, MemorySegment object) {
        if (object == null || object.equals(MemorySegment.NULL)) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment args = PjrtArgs.allocate(arena, 24); // object@16
            args.set(ADDRESS, 16, object);
            plugin.call(f, args);
        }
    }

    private static void destroyClient(PjrtPlugin plugin, MemorySegment client) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment args = PjrtArgs.allocate(arena, 24); // client@16
            args.set(ADDRESS, 16, client);
            plugin.call(PjrtFunction.Client_Destroy, args);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("PJRT client of " + plugin.name() + " is closed");
        }
    }

    private static String string(MemorySegment chars, long length) {
        if (chars.equals(MemorySegment.NULL)) {
            return "";
        }
        return new String(chars.reinterpret(length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "PJRT client (" + platformName + ", " + devices.size() + " device(s)) of " + plugin;
    }
}
