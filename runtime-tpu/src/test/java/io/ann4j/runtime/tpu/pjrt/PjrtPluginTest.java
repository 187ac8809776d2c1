package io.ann4j.runtime.tpu.pjrt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PjrtPluginTest {
    @Test
    void aMissingFileIsReportedAsMissing(@TempDir Path dir) {
        Path missing = dir.resolve("libtpu.so");
        PjrtException e = assertThrows(PjrtException.class, () -> PjrtPlugin.load(missing));
        assertTrue(e.getMessage().contains("does not exist") && e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void aFileThatIsNoLibraryIsNotLoadable(@TempDir Path dir) throws IOException {
        Path junk = Files.writeString(dir.resolve("junk.so"), "not an ELF file");
        PjrtException e = assertThrows(PjrtException.class, () -> PjrtPlugin.load(junk));
        assertTrue(e.getMessage().contains("cannot be loaded"), e.getMessage());
    }

    @Test
    void aLibraryWithoutGetPjrtApiIsNotAPlugin() {
        Path libjava = Path.of(System.getProperty("java.home"), "lib", "libjava.so");
        PjrtException e = assertThrows(PjrtException.class, () -> PjrtPlugin.load(libjava));
        assertTrue(e.getMessage().contains("not a PJRT plugin"), e.getMessage());
    }

    @Test
    void aPluginOfTheSameMajorAndAnyMinorIsAccepted() {
        try (FakePjrtApi fake = new FakePjrtApi(0, 77, PjrtFunction.requiredApiSize() + 200)) {
            PjrtPlugin p = new PjrtPlugin(fake.api, "fake");
            assertEquals(0, p.majorVersion());
            assertEquals(77, p.minorVersion());
        }
    }

    @Test
    void anotherMajorVersionIsRejectedNamingBothVersions() {
        try (FakePjrtApi fake = new FakePjrtApi(1, 2, PjrtFunction.requiredApiSize())) {
            PjrtException e = assertThrows(PjrtException.class, () -> new PjrtPlugin(fake.api, "fake"));
            assertTrue(e.getMessage().contains("1.2") && e.getMessage().contains("0." + PjrtPlugin.HEADER_MINOR), e.getMessage());
        }
    }

    @Test
    void anApiTableWithoutEverySlotAnn4jCallsIsRejected() {
        try (FakePjrtApi fake = new FakePjrtApi(0, 1, PjrtFunction.requiredApiSize() - 8)) {
            PjrtException e = assertThrows(PjrtException.class, () -> new PjrtPlugin(fake.api, "fake"));
            assertTrue(e.getMessage().contains("struct_size " + (PjrtFunction.requiredApiSize() - 8))
                    && e.getMessage().contains("PJRT_Buffer_ToHostBuffer"), e.getMessage());
        }
    }

    @Test
    void theSlotOffsetsAreTheHeaders() {
        // PJRT_Api: struct_size, extension_start, PJRT_Api_Version (24 bytes), then the slots
        assertEquals(40, PjrtFunction.Error_Destroy.offset());
        assertEquals(40 + 8 * 10, PjrtFunction.Client_Create.offset());
        assertEquals(40 + 8 * 20, PjrtFunction.Client_Compile.offset());
        assertEquals(40 + 8 * 22, PjrtFunction.Client_BufferFromHostBuffer.offset());
        assertEquals(40 + 8 * 55, PjrtFunction.LoadedExecutable_Execute.offset());
        assertEquals(40 + 8 * 58, PjrtFunction.Buffer_Destroy.offset());
        assertEquals(40 + 8 * 70, PjrtFunction.Buffer_ToHostBuffer.offset());
    }

    @Test
    void aPjrtErrorSurfacesWithThePluginsMessageAndIsDestroyed() {
        try (FakePjrtApi fake = new FakePjrtApi(0, 60, PjrtFunction.requiredApiSize())) {
            fake.clientCreateError = "fake plugin: no TPU found on this host";
            PjrtPlugin p = new PjrtPlugin(fake.api, "fake");
            PjrtException e = assertThrows(PjrtException.class, () -> PjrtClient.create(p));
            assertTrue(e.getMessage().contains("PJRT_Client_Create")
                    && e.getMessage().contains("fake plugin: no TPU found on this host"), e.getMessage());
            assertEquals(14, e.code());
            assertTrue(e.getMessage().contains("UNAVAILABLE"), e.getMessage());
            assertEquals(List.of("Plugin_Initialize", "Client_Create", "Error_Destroy"), fake.calls);
            assertTrue(fake.errors.isEmpty(), "the error was destroyed");
        }
    }

    @Test
    void compileSendsMlirTextAndCompileOptionsForOneReplicaAndOnePartition() {
        try (FakePjrtApi fake = new FakePjrtApi(0, 60, PjrtFunction.requiredApiSize())) {
            fake.compileError = "error: unknown custom call @ApproxTopK";
            PjrtPlugin p = new PjrtPlugin(fake.api, "fake");
            try (PjrtClient client = PjrtClient.create(p)) {
                assertEquals("fake", client.platformName());
                assertEquals(1, client.deviceCount());
                String module = "module @jit_main {}";
                PjrtException e = assertThrows(PjrtException.class, () -> client.compile(module));
                assertEquals(3, e.code());
                assertTrue(e.getMessage().contains("unknown custom call @ApproxTopK"), e.getMessage());
                assertEquals("mlir", fake.compiledFormat);
                assertEquals(module, fake.compiledCode);
                // CompileOptionsProto{executable_build_options: {device_ordinal: -1, num_replicas: 1,
                // num_partitions: 1}} in wire format, as protoc encodes it; the CUDA plugin of JAX
                // 0.11.2 compiled and ran the MIPS program with exactly these bytes
                assertEquals("1a0f08ffffffffffffffffff01200128" + "01", java.util.HexFormat.of().formatHex(fake.compiledOptions));
                assertEquals(17, fake.compiledOptionsSize);
            }
            assertTrue(fake.calls.contains("Client_Destroy"));
            assertTrue(fake.errors.isEmpty());
        }
    }
}
