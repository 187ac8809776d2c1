package io.ann4j.cli.io;

import io.ann4j.cli.BadInputException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The header of a NumPy {@code .npy} file (NEP 1, versions 1.0 to 3.0): element type, byte
 * order, memory order, shape and where the data starts.
 */
record NpyHeader(ElementType type, ByteOrder order, boolean fortranOrder, long[] shape, long dataOffset) {
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    static NpyHeader parse(Path file, MemorySegment seg) {
        long size = seg.byteSize();
        if (size < 10 || mismatch(seg)) {
            throw new BadInputException(file, "not a .npy file (no \\x93NUMPY magic); expected a NumPy .npy file");
        }
        int major = seg.get(ValueLayout.JAVA_BYTE, 6);
        long headerLen;
        long start;
        if (major == 1) {
            headerLen = Short.toUnsignedInt(seg.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8));
            start = 10;
        } else if ((major == 2 || major == 3) && size >= 12) {
            headerLen = Integer.toUnsignedLong(seg.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8));
            start = 12;
        } else {
            throw new BadInputException(file, "corrupt .npy header: format version " + major + "; expected 1.0, 2.0 or 3.0");
        }
        if (start + headerLen > size) {
            throw new BadInputException(file, "corrupt .npy header: it claims " + headerLen + " bytes but the file has "
                    + (size - start) + " after the preamble; expected a complete header");
        }
        String header = new String(seg.asSlice(start, headerLen).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        if (!header.strip().startsWith("{") || !header.strip().endsWith("}")) {
            throw new BadInputException(file, "corrupt .npy header '" + header.strip()
                    + "'; expected a Python dict with 'descr', 'fortran_order' and 'shape'");
        }
        String descr = find(DESCR, header, file, "descr");
        boolean fortran = "True".equals(find(FORTRAN, header, file, "fortran_order"));
        long[] shape = shape(find(SHAPE, header, file, "shape"), file);
        ByteOrder order = descr.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        ElementType type = switch (descr.isEmpty() ? "" : descr.substring(1)) {
            case "f4" -> ElementType.FLOAT32;
            case "f2" -> ElementType.FLOAT16;
            case "f8" -> ElementType.FLOAT64;
            case "i4" -> ElementType.INT32;
            case "i8" -> ElementType.INT64;
            case "u1" -> ElementType.UINT8;
            case "i1" -> ElementType.INT8;
            default -> null;
        };
        if (type == null || !(descr.startsWith("<") || descr.startsWith(">") || descr.startsWith("|") || descr.startsWith("="))) {
            throw new BadInputException(file, "unsupported dtype '" + descr
                    + "'; expected float32 ('<f4'), float16 ('<f2'), float64 ('<f8'), int32, int64, uint8 or int8");
        }
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        long data = start + headerLen;
        long need = n * type.bytes();
        if (size - data < need) {
            throw new BadInputException(file, "shape " + shapeString(shape) + " of " + type.numpyName() + " needs " + need
                    + " bytes of data but the file has " + (size - data) + "; expected a complete (not truncated) file");
        }
        if (size - data > need) {
            throw new BadInputException(file, "is longer than its header declares: shape " + shapeString(shape) + " of "
                    + type.numpyName() + " needs " + need + " bytes of data but the file has " + (size - data) + " ("
                    + (size - data - need) + " more); expected the data to end where the header says (a header"
                    + " rewritten after the data grew?)");
        }
        return new NpyHeader(type, order, fortran, shape, data);
    }

    private static boolean mismatch(MemorySegment seg) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (seg.get(ValueLayout.JAVA_BYTE, i) != MAGIC[i]) {
                return true;
            }
        }
        return false;
    }

    private static String find(Pattern p, String header, Path file, String key) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new BadInputException(file, "corrupt .npy header '" + header.strip() + "': no '" + key
                    + "'; expected 'descr', 'fortran_order' and 'shape'");
        }
        return m.group(1);
    }

    private static long[] shape(String tuple, Path file) {
        List<Long> dims = new ArrayList<>();
        for (String part : tuple.split(",")) {
            String s = part.strip();
            if (s.endsWith("L")) {
                s = s.substring(0, s.length() - 1); // Python 2's long literals
            }
            if (s.isEmpty()) {
                continue;
            }
            try {
                long d = Long.parseLong(s);
                if (d < 0) {
                    throw new NumberFormatException();
                }
                dims.add(d);
            } catch (NumberFormatException e) {
                throw new BadInputException(file, "corrupt .npy header: shape (" + tuple + "); expected non-negative integers");
            }
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    static String shapeString(long[] shape) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            b.append(i > 0 ? ", " : "").append(shape[i]);
        }
        return b.append(shape.length == 1 ? ",)" : ")").toString();
    }

    /** The header bytes of a version 1.0 file (padded so that the data starts at a multiple of 64). */
    static byte[] encode(String descr, long rows, long cols) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
        byte[] text = (dict + " ".repeat(pad) + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[10 + text.length];
        System.arraycopy(MAGIC, 0, out, 0, 6);
        out[6] = 1;
        out[7] = 0;
        out[8] = (byte) (text.length & 0xff);
        out[9] = (byte) (text.length >>> 8);
        System.arraycopy(text, 0, out, 10, text.length);
        return out;
    }
}
