package io.ann4j.cli.io;

import io.ann4j.cli.BadInputException;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Node;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An ann-benchmarks HDF5 file, read with the pure-Java jhdf: datasets {@code train} (the
 * database), {@code test} (queries), {@code neighbors} and {@code distances} (the ground truth),
 * and the {@code distance} attribute ({@code angular}, {@code euclidean}, ...).
 */
public final class Hdf5File implements AutoCloseable {
    /** The datasets of an ann-benchmarks file, in its order. */
    public static final List<String> ANN_DATASETS = List.of("train", "test", "neighbors", "distances");

    private final Path file;
    private final HdfFile hdf;

    /** Opens {@code file}; fails with a clear message when it is missing or not HDF5. */
    public Hdf5File(Path file) {
        MappedFile.checkReadable(file);
        this.file = file;
        try {
            hdf = new HdfFile(file);
        } catch (RuntimeException e) {
            throw new BadInputException(file, "not a readable HDF5 file (" + e.getMessage() + "); expected an ann-benchmarks .hdf5 file", e);
        }
    }

    /** The file's path. */
    public Path file() {
        return file;
    }

    /** Whether a dataset of that name is at the root. */
    public boolean has(String name) {
        Node n = hdf.getChildren().get(name);
        return n instanceof Dataset;
    }

    /** The root datasets by name. */
    public List<String> datasets() {
        List<String> names = new ArrayList<>();
        hdf.getChildren().forEach((k, v) -> {
            if (v instanceof Dataset) {
                names.add(k);
            }
        });
        return names;
    }

    /**
     * The dataset {@code name} as a matrix.
     *
     * @throws BadInputException when there is no such dataset or it is not 1-D or 2-D
     */
    public Matrix dataset(String name) {
        if (!has(name)) {
            throw new BadInputException(file, "has no dataset '" + name + "' (it has " + datasets()
                    + "); expected an ann-benchmarks file with datasets train, test, neighbors and distances");
        }
        return new Hdf5Matrix(file, (Dataset) hdf.getChildren().get(name), name);
    }

    /** The file's {@code distance} attribute, or null. */
    public String distance() {
        Object v = attributes().get("distance");
        return v == null ? null : v.toString();
    }

    /** The root attributes as strings. */
    public Map<String, Object> attributes() {
        Map<String, Object> out = new TreeMap<>();
        for (Map.Entry<String, Attribute> e : hdf.getAttributes().entrySet()) {
            Object data = e.getValue().getData();
            if (data instanceof String[] a && a.length == 1) {
                data = a[0];
            }
            out.put(e.getKey(), data.getClass().isArray() ? java.util.Arrays.deepToString(new Object[] {data}) : data);
        }
        return out;
    }

    @Override
    public void close() {
        hdf.close();
    }
}
