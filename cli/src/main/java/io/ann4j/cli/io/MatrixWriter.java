package io.ann4j.cli.io;

import io.ann4j.cli.BadInputException;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes small matrices in every format. Callers write to a temporary file and move it into place
 * ({@link AtomicOutput}); this class only encodes.
 */
public final class MatrixWriter {
    private MatrixWriter() {}

    /**
     * Writes {@code t} to {@code file} in {@code format}. Floating point data goes to {@code .npy}
     * as {@code npyType} (float32, float16 or float64); integer formats need ids, {@code .bvecs},
     * {@code .u8bin} and {@code .i8bin} values in their range. HDF5 gets one dataset,
     * {@code hdf5Dataset}.
     */
    public static void write(Path file, Format format, Table t, ElementType npyType, String hdf5Dataset) throws IOException {
        switch (format) {
            case HDF5 -> writeHdf5(file, Map.of(hdf5Dataset, t), Map.of());
            case CSV -> writeCsv(file, t, null);
            default -> {
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                    writeBinary(out, file, format, t, npyType);
                }
            }
        }
    }

    private static void writeBinary(OutputStream out, Path file, Format format, Table t, ElementType npyType) throws IOException {
        ElementType type = switch (format) {
            case NPY -> t.isInts() ? ElementType.INT32 : npyType;
            case FVECS -> ElementType.FLOAT32;
            case IVECS -> ElementType.INT32;
            case BVECS -> ElementType.UINT8;
            default -> BinMatrix.typeOf(format);
        };
        if (type.isInteger() && !t.isInts() && type != ElementType.UINT8 && type != ElementType.INT8) {
            throw new BadInputException(file, "." + format.extension() + " holds int32 ids but the data is floating point; expected"
                    + " .npy, .fvecs, .fbin, .csv or .hdf5 for it");
        }
        if (!type.isInteger() && t.isInts() && format != Format.NPY) {
            throw new BadInputException(file, "." + format.extension() + " holds float32 values but the data is ids; expected"
                    + " .npy, .ivecs, .ibin, .csv or .hdf5 for it");
        }
        if (format == Format.NPY) {
            String descr = switch (type) {
                case FLOAT32 -> "<f4";
                case FLOAT16 -> "<f2";
                case FLOAT64 -> "<f8";
                case INT32 -> "<i4";
                default -> throw new IllegalArgumentException("npy output type " + type);
            };
            out.write(NpyHeader.encode(descr, t.rows(), t.cols()));
        } else if (format.isBin()) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(t.rows()).putInt(t.cols()).array());
        }
        ByteBuffer row = ByteBuffer.allocate(4 + t.cols() * type.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < t.rows(); r++) {
            row.clear();
            if (format.isVecs()) {
                row.putInt(t.cols());
            }
            for (int c = 0; c < t.cols(); c++) {
                int i = r * t.cols() + c;
                switch (type) {
                    case FLOAT32 -> row.putFloat((float) t.get(i));
                    case FLOAT16 -> row.putShort(Float.floatToFloat16((float) t.get(i)));
                    case FLOAT64 -> row.putDouble(t.floats() != null ? t.floats()[i] : t.ints()[i]);
                    case INT32 -> row.putInt(t.ints()[i]);
                    case UINT8, INT8 -> row.put(toByte(file, t.get(i), type));
                    default -> throw new IllegalArgumentException("output type " + type);
                }
            }
            out.write(row.array(), 0, row.position());
        }
    }

    private static byte toByte(Path file, double v, ElementType type) {
        long lo = type == ElementType.UINT8 ? 0 : -128;
        long hi = type == ElementType.UINT8 ? 255 : 127;
        if (v != Math.rint(v) || v < lo || v > hi) {
            throw new BadInputException(file, "value " + v + " does not fit " + type.numpyName() + "; expected integers in ["
                    + lo + ", " + hi + "]");
        }
        return (byte) (long) v;
    }

    /** Writes an HDF5 file of root datasets and attributes (strings, numbers: the ann-benchmarks layout). */
    public static void writeHdf5(Path file, Map<String, Table> datasets, Map<String, ?> attributes) {
        try (WritableHdfFile h = HdfFile.write(file)) {
            for (String name : Hdf5File.ANN_DATASETS) {
                Table t = datasets.get(name);
                if (t != null) {
                    h.putDataset(name, t.isInts() ? t.intRows() : t.floatRows());
                }
            }
            for (Map.Entry<String, Table> e : datasets.entrySet()) {
                if (!Hdf5File.ANN_DATASETS.contains(e.getKey())) {
                    h.putDataset(e.getKey(), e.getValue().isInts() ? e.getValue().intRows() : e.getValue().floatRows());
                }
            }
            attributes.forEach(h::putAttribute);
        }
    }

    /**
     * Writes a CSV, one line per row; given {@code header}, that line first.
     */
    public static void writeCsv(Path file, Table t, String header) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            if (header != null) {
                w.write(header);
                w.write('\n');
            }
            StringBuilder line = new StringBuilder();
            for (int r = 0; r < t.rows(); r++) {
                line.setLength(0);
                for (int c = 0; c < t.cols(); c++) {
                    if (c > 0) {
                        line.append(',');
                    }
                    int i = r * t.cols() + c;
                    if (t.isInts()) {
                        line.append(t.ints()[i]);
                    } else {
                        line.append(t.floats()[i]);
                    }
                }
                w.write(line.append('\n').toString());
            }
        }
    }
}
