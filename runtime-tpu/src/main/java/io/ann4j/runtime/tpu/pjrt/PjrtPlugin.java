package io.ann4j.runtime.tpu.pjrt;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * A PJRT plugin (e.g. {@code libtpu.so}, or the CUDA plugin {@code xla_cuda_plugin.so} that JAX's
 * CUDA packages ship), bound with the FFM API: the library's {@code GetPjrtApi()} returns the
 * {@code PJRT_Api} table of function pointers, which this class checks and calls.
 *
 * <p>Checks on load: the plugin's {@code PJRT_Api_Version.major_version} must equal {@link
 * #API_MAJOR} (the header's {@code PJRT_API_MAJOR}: majors break the ABI), and its {@code
 * struct_size} must cover every slot ann4j calls ({@link PjrtFunction}). Minor versions only
 * append, so any minor is accepted (see {@link PjrtArgs} for argument structs).
 *
 * <p>Errors: every call that returns a non-null {@code PJRT_Error*} is turned into a {@link
 * PjrtException} carrying the plugin's message ({@code PJRT_Error_Message}) and code ({@code
 * PJRT_Error_GetCode}); the error is destroyed ({@code PJRT_Error_Destroy}) before the throw.
 *
 * <p>A loaded library stays loaded for the life of the process: plugins such as libtpu keep
 * process-wide state and are not meant to be unloaded.
 */
public final class PjrtPlugin {
    /** {@code PJRT_API_MAJOR} of the header ann4j is written against. */
    public static final int API_MAJOR = 0;

    /** {@code PJRT_API_MINOR} of that header (informational: newer minors only append). */
    public static final int HEADER_MINOR = 33;

    /** Offsets in {@code PJRT_Api}: struct_size, then the embedded {@code PJRT_Api_Version}. */
    private static final long API_VERSION = 16;
    private static final long VERSION_MAJOR = API_VERSION + 16;
    private static final long VERSION_MINOR = API_VERSION + 20;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final FunctionDescriptor RETURNS_ERROR = FunctionDescriptor.of(ADDRESS, ADDRESS);
    private static final FunctionDescriptor RETURNS_VOID = FunctionDescriptor.ofVoid(ADDRESS);

    private final String name;
    private final MemorySegment api;
    private final int major;
    private final int minor;
    private final Map<PjrtFunction, MethodHandle> handles = new EnumMap<>(PjrtFunction.class);
    private boolean initialized;

    /**
     * Loads the plugin at {@code path} and checks its API.
     *
     * @throws PjrtException if the file is missing, cannot be loaded, has no {@code GetPjrtApi}
     *     (not a PJRT plugin), or reports an incompatible API
     */
    public static PjrtPlugin load(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new PjrtException("PJRT plugin " + path + " does not exist (or is not a file)");
        }
        SymbolLookup library;
        try {
            library = SymbolLookup.libraryLookup(path, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new PjrtException("PJRT plugin " + path + " cannot be loaded as a shared library: " + e.getMessage(), e);
        }
        MemorySegment getPjrtApi = library.find("GetPjrtApi")
                .orElseThrow(() -> new PjrtException(path + " is not a PJRT plugin: it has no GetPjrtApi symbol"));
        MemorySegment api;
        try {
            api = (MemorySegment) LINKER.downcallHandle(getPjrtApi, FunctionDescriptor.of(ADDRESS)).invokeExact();
        } catch (Throwable t) {
            throw new PjrtException("GetPjrtApi() of " + path + " failed: " + t, t);
        }
        return new PjrtPlugin(api, path.toString());
    }

    /**
     * A plugin from its {@code PJRT_Api*} (what {@code GetPjrtApi()} returned). Package-private so
     * that tests can hand in an API table built in Java, with no library behind it.
     */
    PjrtPlugin(MemorySegment apiPointer, String name) {
        this.name = name;
        if (apiPointer.equals(MemorySegment.NULL)) {
            throw new PjrtException(name + " is not a usable PJRT plugin: GetPjrtApi() returned null");
        }
        long size = apiPointer.reinterpret(8).get(JAVA_LONG, 0);
        if (size < PjrtFunction.FIRST_SLOT) {
            throw new PjrtException(name + " is not a usable PJRT plugin: its PJRT_Api has struct_size " + size
                    + ", too small to hold even the API version");
        }
        this.api = apiPointer.reinterpret(size);
        this.major = api.get(JAVA_INT, VERSION_MAJOR);
        this.minor = api.get(JAVA_INT, VERSION_MINOR);
        if (major != API_MAJOR) {
            throw new PjrtException("incompatible PJRT plugin " + name + ": it implements PJRT C API " + major + "." + minor
                    + ", ann4j is built against " + API_MAJOR + "." + HEADER_MINOR + " (major versions must be equal)");
        }
        long needed = PjrtFunction.requiredApiSize();
        if (size < needed) {
            throw new PjrtException("incompatible PJRT plugin " + name + " (PJRT C API " + major + "." + minor
                    + "): its PJRT_Api has struct_size " + size + " bytes, ann4j needs " + needed
                    + " (every function up to " + PjrtFunction.values()[PjrtFunction.values().length - 1].cName() + ")");
        }
    }

    /** The path the plugin was loaded from (or the test's name for it). */
    public String name() {
        return name;
    }

    /** The plugin's {@code PJRT_Api_Version.major_version}. */
    public int majorVersion() {
        return major;
    }

    /** The plugin's {@code PJRT_Api_Version.minor_version}. */
    public int minorVersion() {
        return minor;
    }

    /** The plugin's {@code PJRT_Api.struct_size}. */
    public long apiStructSize() {
        return api.byteSize();
    }

    /**
     * Runs {@code PJRT_Plugin_Initialize} once (when the plugin has it; the header requires it
     * before any other call).
     */
    synchronized void initialize() {
        if (!initialized) {
            if (has(PjrtFunction.Plugin_Initialize)) {
                try (Arena arena = Arena.ofConfined()) {
                    call(PjrtFunction.Plugin_Initialize, PjrtArgs.allocate(arena, 16));
                }
            }
            initialized = true;
        }
    }

    /** Whether the plugin fills slot {@code f}. */
    boolean has(PjrtFunction f) {
        return !api.get(ADDRESS, f.offset()).equals(MemorySegment.NULL);
    }

    /**
     * Calls {@code f} (a function returning {@code PJRT_Error*}) with {@code args}.
     *
     * @throws PjrtException with the plugin's message when it returns an error
     */
    void call(PjrtFunction f, MemorySegment args) {
        MemorySegment error;
        try {
            error = (MemorySegment) handle(f, RETURNS_ERROR).invokeExact(args);
        } catch (PjrtException e) {
            throw e;
        } catch (Throwable t) {
            throw new PjrtException(f.cName() + " could not be called: " + t, t);
        }
        if (!error.equals(MemorySegment.NULL)) {
            throw toException(f.cName(), error);
        }
    }

    /** Calls one of the functions that return nothing ({@code PJRT_Error_Destroy/Message}). */
    private void callVoid(PjrtFunction f, MemorySegment args) {
        try {
            handle(f, RETURNS_VOID).invokeExact(args);
        } catch (PjrtException e) {
            throw e;
        } catch (Throwable t) {
            throw new PjrtException(f.cName() + " could not be called: " + t, t);
        }
    }

    private synchronized MethodHandle handle(PjrtFunction f, FunctionDescriptor descriptor) {
        MethodHandle h = handles.get(f);
        if (h == null) {
            MemorySegment fn = api.get(ADDRESS, f.offset());
            if (fn.equals(MemorySegment.NULL)) {
                throw new PjrtException("PJRT plugin " + name + " does not implement " + f.cName());
            }
            h = LINKER.downcallHandle(fn, descriptor);
            handles.put(f, h);
        }
        return h;
    }

    /**
     * The exception for a {@code PJRT_Error*} that {@code what} returned: its message and code
     * read, then the error destroyed (the caller owns every error it is given).
     */
    PjrtException toException(String what, MemorySegment error) {
        try (Arena arena = Arena.ofConfined()) {
            String message;
            int code = 0;
            try {
                MemorySegment m = PjrtArgs.allocate(arena, 40); // error@16, message@24, message_size@32
                m.set(ADDRESS, 16, error);
                callVoid(PjrtFunction.Error_Message, m);
                MemorySegment text = m.get(ADDRESS, 24);
                long length = m.get(JAVA_LONG, 32);
                message = text.equals(MemorySegment.NULL) ? "(no message)"
                        : new String(text.reinterpret(length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
                if (has(PjrtFunction.Error_GetCode)) {
                    MemorySegment c = PjrtArgs.allocate(arena, 28); // error@16, code@24
                    c.set(ADDRESS, 16, error);
                    MemorySegment failed = (MemorySegment) handle(PjrtFunction.Error_GetCode, RETURNS_ERROR).invokeExact(c);
                    if (failed.equals(MemorySegment.NULL)) {
                        code = c.get(JAVA_INT, 24);
                    } else {
                        destroy(arena, failed);
                    }
                }
            } catch (Throwable t) {
                message = "(the plugin's message could not be read: " + t + ")";
            } finally {
                destroy(arena, error);
            }
            return new PjrtException(what + " failed (" + PjrtException.codeName(code) + "): " + message, code);
        }
    }

    private void destroy(Arena arena, MemorySegment error) {
        MemorySegment d = PjrtArgs.allocate(arena, 24); // error@16
        d.set(ADDRESS, 16, error);
        callVoid(PjrtFunction.Error_Destroy, d);
    }

    @Override
    public String toString() {
        return "PJRT plugin " + name + " (C API " + major + "." + minor + ")";
    }
}
