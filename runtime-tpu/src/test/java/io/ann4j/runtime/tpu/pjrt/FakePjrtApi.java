package io.ann4j.runtime.tpu.pjrt;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A PJRT plugin written in Java for tests: a {@code PJRT_Api} table in native memory whose slots
 * are upcall stubs. Errors are native objects the fake tracks by address, so a test can check
 * that every error handed out was destroyed.
 */
final class FakePjrtApi implements AutoCloseable {
    private static final Linker LINKER = Linker.nativeLinker();

    final Arena arena = Arena.ofShared();
    final MemorySegment api;
    /** Live errors: address to (code, message). */
    final Map<Long, Object[]> errors = new HashMap<>();
    final List<String> calls = new ArrayList<>();
    /** What Client_Create and Client_Compile do: null for success, else the error message. */
    String clientCreateError;
    String compileError;
    /** What the fake saw in the last Client_Compile. */
    String compiledFormat;
    String compiledCode;
    long compiledOptionsSize = -1;
    /** The options of the last Client_Create, decoded. */
    final List<String> createOptions = new ArrayList<>();
    byte[] compiledOptions;

    FakePjrtApi(int major, int minor, long structSize) {
        api = arena.allocate(Math.max(structSize, PjrtFunction.requiredApiSize()), 8);
        api.set(JAVA_LONG, 0, structSize);
        api.set(JAVA_LONG, 16, 24); // PJRT_Api_Version.struct_size
        api.set(JAVA_INT, 32, major);
        api.set(JAVA_INT, 36, minor);
        install(PjrtFunction.Error_Destroy, "errorDestroy", true);
        install(PjrtFunction.Error_Message, "errorMessage", true);
        install(PjrtFunction.Error_GetCode, "errorGetCode", false);
        install(PjrtFunction.Plugin_Initialize, "pluginInitialize", false);
        install(PjrtFunction.Client_Create, "clientCreate", false);
        install(PjrtFunction.Client_Destroy, "clientDestroy", false);
        install(PjrtFunction.Client_AddressableDevices, "addressableDevices", false);
        install(PjrtFunction.Client_PlatformName, "platformName", false);
        install(PjrtFunction.Client_Compile, "compile", false);
    }

    private void install(PjrtFunction f, String method, boolean returnsVoid) {
        try {
            MethodHandle h = MethodHandles.lookup().findVirtual(FakePjrtApi.class, method,
                    returnsVoid ? MethodType.methodType(void.class, MemorySegment.class)
                            : MethodType.methodType(MemorySegment.class, MemorySegment.class)).bindTo(this);
            FunctionDescriptor d = returnsVoid ? FunctionDescriptor.ofVoid(ADDRESS) : FunctionDescriptor.of(ADDRESS, ADDRESS);
            api.set(ADDRESS, f.offset(), LINKER.upcallStub(h, d, arena));
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    MemorySegment error(int code, String message) {
        MemorySegment e = arena.allocate(8);
        errors.put(e.address(), new Object[] {code, message});
        return e;
    }

    private static MemorySegment args(MemorySegment a) {
        long size = a.reinterpret(8).get(JAVA_LONG, 0);
        return a.reinterpret(size);
    }

    void errorDestroy(MemorySegment a) {
        calls.add("Error_Destroy");
        errors.remove(args(a).get(ADDRESS, 16).address());
    }

    void errorMessage(MemorySegment a) {
        MemorySegment s = args(a);
        String message = (String) errors.get(s.get(ADDRESS, 16).address())[1];
        MemorySegment text = arena.allocateFrom(message);
        s.set(ADDRESS, 24, text);
        s.set(JAVA_LONG, 32, text.byteSize() - 1);
    }

    MemorySegment errorGetCode(MemorySegment a) {
        MemorySegment s = args(a);
        s.set(JAVA_INT, 24, (Integer) errors.get(s.get(ADDRESS, 16).address())[0]);
        return MemorySegment.NULL;
    }

    MemorySegment pluginInitialize(MemorySegment a) {
        calls.add("Plugin_Initialize");
        return MemorySegment.NULL;
    }

    MemorySegment clientCreate(MemorySegment a) {
        calls.add("Client_Create");
        MemorySegment args = args(a);
        long count = args.get(JAVA_LONG, 24);
        MemorySegment options = args.get(ADDRESS, 16).reinterpret(count * PjrtOption.STRUCT_SIZE);
        for (long i = 0; i < count; i++) {
            createOptions.add(namedValue(options.asSlice(i * PjrtOption.STRUCT_SIZE, PjrtOption.STRUCT_SIZE)));
        }
        if (clientCreateError != null) {
            return error(14, clientCreateError);
        }
        args(a).set(ADDRESS, 64, arena.allocate(8));
        return MemorySegment.NULL;
    }

    /** A {@code PJRT_NamedValue} as the plugin reads it: {@code name:type=value}. */
    private static String namedValue(MemorySegment nv) {
        String name = new String(nv.get(ADDRESS, 16).reinterpret(nv.get(JAVA_LONG, 24)).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        long size = nv.get(JAVA_LONG, 48);
        String value = switch (nv.get(JAVA_INT, 32)) {
            case 0 -> "string=" + new String(nv.get(ADDRESS, 40).reinterpret(size).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
            case 1 -> "int64=" + nv.get(JAVA_LONG, 40);
            case 2 -> "int64list=" + java.util.Arrays.toString(nv.get(ADDRESS, 40).reinterpret(8 * size).toArray(JAVA_LONG));
            case 3 -> "float=" + nv.get(java.lang.foreign.ValueLayout.JAVA_FLOAT, 40);
            case 4 -> "bool=" + nv.get(java.lang.foreign.ValueLayout.JAVA_BOOLEAN, 40);
            default -> "unknown type";
        };
        return name + ":" + value + " (struct_size " + nv.get(JAVA_LONG, 0) + ", value_size " + size + ")";
    }

    MemorySegment clientDestroy(MemorySegment a) {
        calls.add("Client_Destroy");
        return MemorySegment.NULL;
    }

    MemorySegment addressableDevices(MemorySegment a) {
        MemorySegment s = args(a);
        MemorySegment list = arena.allocate(ADDRESS, 1);
        list.set(ADDRESS, 0, arena.allocate(8));
        s.set(ADDRESS, 24, list);
        s.set(JAVA_LONG, 32, 1);
        return MemorySegment.NULL;
    }

    MemorySegment platformName(MemorySegment a) {
        MemorySegment s = args(a);
        MemorySegment name = arena.allocateFrom("fake");
        s.set(ADDRESS, 24, name);
        s.set(JAVA_LONG, 32, 4);
        return MemorySegment.NULL;
    }

    MemorySegment compile(MemorySegment a) {
        calls.add("Client_Compile");
        MemorySegment s = args(a);
        MemorySegment program = args(s.get(ADDRESS, 24));
        compiledCode = new String(program.get(ADDRESS, 16).reinterpret(program.get(JAVA_LONG, 24)).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        compiledFormat = new String(program.get(ADDRESS, 32).reinterpret(program.get(JAVA_LONG, 40)).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        compiledOptionsSize = s.get(JAVA_LONG, 40);
        compiledOptions = s.get(ADDRESS, 32).reinterpret(compiledOptionsSize).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        if (compileError != null) {
            return error(3, compileError);
        }
        s.set(ADDRESS, 48, arena.allocate(8));
        return MemorySegment.NULL;
    }

    @Override
    public void close() {
        arena.close();
    }
}
