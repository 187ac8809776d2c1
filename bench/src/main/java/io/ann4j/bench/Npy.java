package io.ann4j.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * NumPy {@code .npy} files (NEP 1, versions 1-3) for the bench: reads a little-endian float32
 * matrix (C or Fortran order) through a memory map, writes int32 matrices. Errors name the file
 * and what was expected.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    /** A float32 {@code [rows, cols]} matrix as a c-order f32 array. */
    public static INDArray readFloatMatrix(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            long size = ch.size();
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            if (size < 10 || mismatch(all)) {
                throw new IOException(file + ": not a .npy file (bad magic)");
            }
            int major = all.get(ValueLayout.JAVA_BYTE, 6);
            long headerLen;
            long headerStart;
            if (major == 1) {
                headerLen = Short.toUnsignedInt(all.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8));
                headerStart = 10;
            } else if (major == 2 || major == 3) {
                headerLen = Integer.toUnsignedLong(all.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8));
                headerStart = 12;
            } else {
                throw new IOException(file + ": unsupported .npy version " + major);
            }
            if (headerStart + headerLen > size) {
                throw new IOException(file + ": header length " + headerLen + " runs past the end of the file");
            }
            String header = new String(all.asSlice(headerStart, headerLen).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            String descr = find(DESCR, header, file, "descr");
            boolean fortran = "True".equals(find(FORTRAN, header, file, "fortran_order"));
            String[] dims = find(SHAPE, header, file, "shape").replace(" ", "").split(",");
            if (!descr.equals("<f4") && !descr.equals("=f4")) {
                throw new IOException(file + ": dtype " + descr + " is not supported here; expected little-endian float32 ('<f4')");
            }
            if (dims.length != 2 || dims[0].isEmpty() || dims[1].isEmpty()) {
                throw new IOException(file + ": expected a 2-D matrix [rows, dim], got shape (" + String.join(",", dims) + ")");
            }
            long rows = Long.parseLong(dims[0]);
            long cols = Long.parseLong(dims[1]);
            long data = headerStart + headerLen;
            if (data + rows * cols * 4 != size) {
                throw new IOException(file + ": shape (" + rows + ", " + cols + ") needs " + rows * cols * 4
                        + " bytes of data but the file has " + (size - data) + " (truncated or corrupt)");
            }
            float[] values = all.asSlice(data, rows * cols * 4).toArray(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
            INDArray a = Nd4j.create(values, fortran ? new long[] {cols, rows} : new long[] {rows, cols}, 'c');
            return fortran ? a.transpose().dup('c') : a;
        }
    }

    private static boolean mismatch(MemorySegment all) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (all.get(ValueLayout.JAVA_BYTE, i) != MAGIC[i]) {
                return true;
            }
        }
        return false;
    }

    private static String find(Pattern p, String header, Path file, String key) throws IOException {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new IOException(file + ": .npy header has no '" + key + "': " + header.strip());
        }
        return m.group(1);
    }

    /** Writes an int32 matrix as a version 1.0 .npy, atomically (temporary file, then move). */
    public static void writeIntMatrix(Path file, INDArray matrix) throws IOException {
        int[][] v = matrix.castTo(DataType.INT).toIntMatrix();
        ByteBuffer buf = start("<i4", v.length, v.length == 0 ? 0 : v[0].length);
        for (int[] row : v) {
            for (int x : row) {
                buf.putInt(x);
            }
        }
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".npy", ".tmp");
        Files.write(tmp, buf.array());
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A buffer holding the version 1.0 header (padded to 64 bytes), ready for the data. */
    private static ByteBuffer start(String descr, int rows, int cols) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer buf = ByteBuffer.allocate(10 + header.length() + rows * cols * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        return buf.put(header.getBytes(StandardCharsets.US_ASCII));
    }
}
