package io.ann4j.cli.io;

import io.ann4j.cli.BadInputException;
import io.jhdf.api.Dataset;
import java.nio.file.Path;

/**
 * One 1-D or 2-D dataset of an HDF5 file. A contiguous, unfiltered dataset (what h5py writes by
 * default, and ann-benchmarks' files) is memory-mapped at its data address, as a {@code .npy} is;
 * others are read in slices through jhdf (chunked ones whole, which jhdf requires).
 */
final class Hdf5Matrix implements Matrix {
    private final Path file;
    private final Dataset dataset;
    private final String name;
    private final long rows;
    private final int cols;
    /** The mapped file and where the data starts, or null when jhdf reads it. */
    private final MappedFile mapped;
    private final long dataAddress;
    private final ElementType type;
    private final java.nio.ByteOrder order;

    Hdf5Matrix(Path file, Dataset dataset, String name) {
        this.file = file;
        this.dataset = dataset;
        this.name = name;
        int[] dims = dataset.getDimensions();
        if (dims.length < 1 || dims.length > 2) {
            throw new BadInputException(file, "dataset '" + name + "' has " + dims.length + " dimensions; expected a matrix [rows, dim]");
        }
        Class<?> t = dataset.getJavaType();
        if (t != float.class && t != double.class && t != int.class && t != long.class && t != byte.class && t != short.class) {
            throw new BadInputException(file, "dataset '" + name + "' holds " + t.getSimpleName() + "; expected numbers");
        }
        rows = dims[0];
        cols = dims.length == 1 ? 1 : dims[1];
        ElementType direct = directType(dataset);
        long address = dataset instanceof io.jhdf.api.dataset.ContiguousDataset c && direct != null ? c.getDataAddress() : -1;
        MappedFile m = null;
        if (address > 0) {
            m = new MappedFile(file);
            if (address + rows * cols * direct.bytes() > m.size()) {
                m.close(); // not where jhdf says: let jhdf read it (and report the problem)
                m = null;
            }
        }
        mapped = m;
        dataAddress = address;
        type = direct;
        order = direct == null ? null : ((io.jhdf.object.datatype.OrderedDataType) dataset.getDataType()).getByteOrder();
    }

    /** The element type when the raw bytes can be read directly (plain numbers, no filters), else null. */
    private static ElementType directType(Dataset d) {
        if (!d.getFilters().isEmpty() || d.getDataLayout() != io.jhdf.object.message.DataLayout.CONTIGUOUS) {
            return null;
        }
        int size = d.getDataType().getSize();
        if (d.getDataType() instanceof io.jhdf.object.datatype.FloatingPoint) {
            return size == 4 ? ElementType.FLOAT32 : size == 8 ? ElementType.FLOAT64 : size == 2 ? ElementType.FLOAT16 : null;
        }
        if (d.getDataType() instanceof io.jhdf.object.datatype.FixedPoint f) {
            if (f.isSigned()) {
                return size == 4 ? ElementType.INT32 : size == 8 ? ElementType.INT64 : size == 1 ? ElementType.INT8 : null;
            }
            return size == 1 ? ElementType.UINT8 : null;
        }
        return null;
    }

    @Override
    public Path file() {
        return file;
    }

    @Override
    public long rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public String dtype() {
        Class<?> t = dataset.getJavaType();
        int bytes = dataset.getDataType().getSize();
        if (t == float.class || t == double.class) {
            return "float" + bytes * 8;
        }
        return "int" + bytes * 8;
    }

    private Object slice(long start, int count) {
        if (count == 0) {
            return null;
        }
        if (!(dataset.getDataLayout() == io.jhdf.object.message.DataLayout.CONTIGUOUS)) {
            return chunkedSlice(start, count);
        }
        try {
            return dataset.getDimensions().length == 1
                    ? dataset.getData(new long[] {start}, new int[] {count})
                    : dataset.getData(new long[] {start, 0}, new int[] {count, cols});
        } catch (RuntimeException e) {
            throw new BadInputException(file, "cannot read rows " + start + " to " + (start + count) + " of dataset '" + name
                    + "' (" + e.getMessage() + "); expected a readable dataset", e);
        }
    }

    /** The whole dataset, for chunked layouts (jhdf slices only contiguous datasets). */
    private Object whole;

    private Object chunkedSlice(long start, int count) {
        if (whole == null) {
            long bytes = dataset.getSizeInBytes();
            if (bytes > Runtime.getRuntime().maxMemory() / 2) {
                throw new BadInputException(file, "dataset '" + name + "' is chunked (" + bytes + " bytes) and jhdf reads chunked"
                        + " datasets whole, which does not fit this heap; expected a contiguous dataset (h5repack -l CONTI) or a larger -Xmx");
            }
            try {
                whole = dataset.getData();
            } catch (RuntimeException e) {
                throw new BadInputException(file, "cannot read dataset '" + name + "' (" + e.getMessage() + "); expected a readable dataset", e);
            }
        }
        Object out = java.lang.reflect.Array.newInstance(whole.getClass().getComponentType(), count);
        System.arraycopy(whole, (int) start, out, 0, count);
        return out;
    }

    @Override
    public void readRows(long start, int count, float[] dst) {
        if (mapped != null) {
            type.toFloats(mapped.segment, dataAddress + start * cols * type.bytes(), order, dst, 0, count * cols);
            return;
        }
        Object data = slice(start, count);
        for (int r = 0; r < count; r++) {
            switch (data) {
                case float[][] f -> System.arraycopy(f[r], 0, dst, r * cols, cols);
                case double[][] d -> {
                    for (int c = 0; c < cols; c++) {
                        dst[r * cols + c] = (float) d[r][c];
                    }
                }
                case float[] f -> dst[r] = f[r];
                case double[] d -> dst[r] = (float) d[r];
                default -> {
                    Object row = data.getClass().getComponentType().isArray() ? java.lang.reflect.Array.get(data, r) : null;
                    for (int c = 0; c < cols; c++) {
                        Object v = row == null ? java.lang.reflect.Array.get(data, r) : java.lang.reflect.Array.get(row, c);
                        dst[r * cols + c] = ((Number) v).floatValue();
                    }
                }
            }
        }
    }

    @Override
    public void readIntRows(long start, int count, int[] dst) {
        if (dataset.getJavaType() == float.class || dataset.getJavaType() == double.class) {
            throw new BadInputException(file, "dataset '" + name + "' holds " + dtype() + "; expected integer ids");
        }
        if (mapped != null && type.toInts(mapped.segment, dataAddress + start * cols * type.bytes(), order, dst, 0, count * cols)) {
            return;
        }
        Object data = slice(start, count);
        for (int r = 0; r < count; r++) {
            if (data instanceof int[][] rowsOfInts) {
                System.arraycopy(rowsOfInts[r], 0, dst, r * cols, cols);
                continue;
            }
            Object row = data.getClass().getComponentType().isArray() ? java.lang.reflect.Array.get(data, r) : null;
            for (int c = 0; c < cols; c++) {
                Object v = row == null ? java.lang.reflect.Array.get(data, r) : java.lang.reflect.Array.get(row, c);
                dst[r * cols + c] = Math.toIntExact(((Number) v).longValue());
            }
        }
    }

    @Override
    public void close() {
        // The HDF5 file is closed by its Hdf5File; the mapping is this matrix's own.
        if (mapped != null) {
            mapped.close();
        }
    }
}
