package io.ann4j.runtime.tpu.pjrt;

import java.io.ByteArrayOutputStream;

/**
 * The serialized {@code xla.CompileOptionsProto} every {@code PJRT_Client_Compile} passes, written
 * out in protobuf wire format (field numbers of {@code xla/pjrt/proto/compile_options.proto}):
 * {@code executable_build_options} (field 3) = {@code {device_ordinal (1) = -1, num_replicas (4)
 * = 1, num_partitions (5) = 1}}; every other field keeps its default. An empty message would leave
 * {@code num_replicas} at proto3's 0, not XLA's 1. JAX's CUDA plugin (0.11.2) compiled and ran
 * the seed's program with exactly these 17 bytes.
 */
final class PjrtCompileOptions {
    static final byte[] BYTES = encode();

    private PjrtCompileOptions() {}

    private static byte[] encode() {
        ByteArrayOutputStream build = new ByteArrayOutputStream();
        build.write(1 << 3); // device_ordinal, varint
        varint(build, -1L);
        build.write(4 << 3); // num_replicas
        varint(build, 1);
        build.write(5 << 3); // num_partitions
        varint(build, 1);
        byte[] inner = build.toByteArray();
        ByteArrayOutputStream options = new ByteArrayOutputStream();
        options.write(3 << 3 | 2); // executable_build_options, length-delimited
        varint(options, inner.length);
        options.writeBytes(inner);
        return options.toByteArray();
    }

    /** Protobuf's base-128 varint; a negative int64 takes ten bytes (two's complement). */
    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) (v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }
}
