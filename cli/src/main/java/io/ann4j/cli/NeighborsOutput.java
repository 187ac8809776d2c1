package io.ann4j.cli;

import io.ann4j.cli.io.AtomicOutput;
import io.ann4j.cli.io.ElementType;
import io.ann4j.cli.io.Format;
import io.ann4j.cli.io.MatrixWriter;
import io.ann4j.cli.io.Table;
import io.ann4j.cli.search.Neighbors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a search's neighbours in the output's format: ids in {@code .npy}, {@code .ivecs} and
 * {@code .ibin}; ids and distances in {@code .csv} (query, rank, id, distance) and {@code .hdf5}
 * (ann-benchmarks' {@code neighbors} and {@code distances}, with the {@code distance}
 * attribute).
 */
final class NeighborsOutput {
    private NeighborsOutput() {}

    /** Fails before any work when {@code out} cannot receive neighbours. */
    static Format check(Path out, String formatOverride, boolean force) {
        // only the formats that hold ids are offered: the input-only ones would fail here too
        Format f = Format.known(out, formatOverride).orElseThrow(() -> formatOverride != null && !formatOverride.isBlank()
                ? new BadInputException("--format " + formatOverride + " cannot hold neighbour ids; expected " + OUTPUT_NAMES)
                : new BadInputException(out, (Format.extension(out).isEmpty() ? "no extension"
                        : "unknown extension '." + Format.extension(out) + "'") + " for neighbour ids; expected " + OUTPUTS
                        + " (or name the format with --format)"));
        switch (f) {
            case NPY, IVECS, IBIN, CSV, HDF5 -> { }
            default -> throw new BadInputException(out, "." + f.extension() + " cannot hold neighbour ids; expected " + OUTPUTS);
        }
        AtomicOutput.check(out, force);
        return f;
    }

    private static final String OUTPUTS = ".npy, .ivecs, .ibin, .csv or .hdf5";
    private static final String OUTPUT_NAMES = "npy, ivecs, ibin, csv or hdf5";

    /**
     * Refuses an output that is one of the inputs (links resolved): the neighbours would replace
     * the database, even with {@code --force}.
     */
    static void checkNotAnInput(Path out, Path... inputs) {
        for (Path in : inputs) {
            try {
                if (in != null && java.nio.file.Files.exists(out) && java.nio.file.Files.isSameFile(out, in)) {
                    throw new BadInputException(out, "is the same file as the input " + in
                            + "; expected an output that is not an input (it would be overwritten)");
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    static void write(Path out, Format f, Neighbors n, boolean force) throws IOException {
        Table ids = Table.ofInts(n.queries(), n.k(), n.ids());
        AtomicOutput.write(out, force, tmp -> {
            switch (f) {
                case HDF5 -> {
                    Map<String, Table> sets = new LinkedHashMap<>();
                    sets.put("neighbors", ids);
                    sets.put("distances", Table.ofFloats(n.queries(), n.k(), n.distances()));
                    MatrixWriter.writeHdf5(tmp, sets, Map.of("distance", io.ann4j.cli.search.MetricNames.annBenchmarksName(n.metric())));
                }
                case CSV -> {
                    int[] cells = new int[n.queries() * n.k() * 3];
                    for (int q = 0, i = 0; q < n.queries(); q++) {
                        for (int r = 0; r < n.k(); r++, i++) {
                            cells[3 * i] = q;
                            cells[3 * i + 1] = r;
                            cells[3 * i + 2] = n.id(q, r);
                        }
                    }
                    writeCsv(tmp, n, cells);
                }
                default -> MatrixWriter.write(tmp, f, ids, ElementType.INT32, "neighbors");
            }
        });
    }

    private static void writeCsv(Path tmp, Neighbors n, int[] cells) throws IOException {
        try (java.io.Writer w = java.nio.file.Files.newBufferedWriter(tmp)) {
            w.write("query,rank,id,distance\n");
            for (int i = 0; i < cells.length / 3; i++) {
                w.write(cells[3 * i] + "," + cells[3 * i + 1] + "," + cells[3 * i + 2] + "," + n.distances()[i] + "\n");
            }
        }
    }
}
