package io.ann4j.runtime.tpu.pjrt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The arrays {@link PjrtCheck} writes and reads: NumPy {@code .npy} version 1.0, little-endian
 * {@code <f4} or {@code <i4}, c-order, so that NumPy/JAX on the same machine load them with {@code
 * np.load}. Only what the check writes is read back (its own indices files).
 */
final class CheckArrays {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};

    private CheckArrays() {}

    static void write(Path file, float[] data, int... shape) throws IOException {
        ByteBuffer body = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        body.asFloatBuffer().put(data);
        write(file, "<f4", body, shape, data.length);
    }

    static void write(Path file, int[] data, int... shape) throws IOException {
        ByteBuffer body = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        body.asIntBuffer().put(data);
        write(file, "<i4", body, shape, data.length);
    }

    private static void write(Path file, String descr, ByteBuffer body, int[] shape, int count) throws IOException {
        if (Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b) != count) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold " + count + " values");
        }
        String dims = Arrays.stream(shape).mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining(", "));
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': ("
                + dims + (shape.length == 1 ? "," : "") + "), }"; // a 1-tuple keeps its comma, as NumPy writes it
        int unpadded = MAGIC.length + 2 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n"; // data starts 64-byte aligned
        ByteBuffer head = ByteBuffer.allocate(MAGIC.length + 2).order(ByteOrder.LITTLE_ENDIAN);
        head.put(MAGIC).putShort((short) header.length());
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (var out = Files.newOutputStream(file)) {
            out.write(head.array());
            out.write(header.getBytes(StandardCharsets.US_ASCII));
            out.write(body.array());
        }
    }

    /** An {@code <i4} array of exactly {@code shape}, as {@link #write(Path, int[], int...)} writes it. */
    static int[] readInts(Path file, int... shape) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < MAGIC.length + 2 || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
            throw new IOException(file + " is not a version 1.0 .npy file");
        }
        int headerLength = ByteBuffer.wrap(bytes, MAGIC.length, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xFFFF;
        String header = new String(bytes, MAGIC.length + 2, headerLength, StandardCharsets.US_ASCII);
        String expected = Arrays.toString(shape).replace('[', '(').replace(']', ')');
        String found = header.replaceAll(".*'shape': \\(([^)]*)\\).*\\s*", "($1)").replaceAll(",\\s*\\)", ")")
                .replaceAll(",\\s*", ", ");
        if (!header.contains("'descr': '<i4'") || header.contains("'fortran_order': True") || !found.equals(expected)) {
            throw new IOException(file + " holds " + header.trim() + "; expected int32 c-order of shape " + expected);
        }
        int[] out = new int[Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        int offset = MAGIC.length + 2 + headerLength;
        if (bytes.length - offset != 4L * out.length) {
            throw new IOException(file + " has " + (bytes.length - offset) + " data bytes, expected " + 4L * out.length);
        }
        ByteBuffer.wrap(bytes, offset, 4 * out.length).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(out);
        return out;
    }
}
