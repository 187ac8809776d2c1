package io.ann4j.cli;

import io.ann4j.cli.search.MetricNames;
import io.ann4j.cli.io.Format;
import io.ann4j.cli.io.Matrices;
import io.ann4j.cli.io.Matrix;
import io.ann4j.cli.search.Database;
import io.ann4j.dsl.Metric;
import io.ann4j.cli.search.NanPolicy;
import io.ann4j.compiler.spi.Backends;
import java.nio.file.Path;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine.Option;

/** The options that every searching command shares (a picocli mixin). */
public final class SearchOptions {
    @Option(names = "--db", paramLabel = "FILE", description = "The database (for .hdf5: its 'train' dataset).")
    Path db;

    @Option(names = "--queries", paramLabel = "FILE", description = "The queries (for .hdf5: its 'test' dataset).")
    Path queries;

    @Option(names = "--k", defaultValue = "10", description = "Neighbours per query (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--metric", paramLabel = "ip|l2|cosine",
            description = "ip (inner product), l2 or cosine (default: l2; for .hdf5 its 'distance' attribute).")
    String metric;

    @Option(names = "--backend", paramLabel = "NAME", description = "Backend: cpu or tpu (default: the default backend).")
    String backend;

    @Option(names = "--devices", defaultValue = "1", paramLabel = "N",
            description = "Shard each database block over N devices with pmap (default: ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--db-format", paramLabel = "EXT", description = "The database's format when its extension does not say.")
    String dbFormat;

    @Option(names = "--queries-format", paramLabel = "EXT", description = "The queries' format when the extension does not say.")
    String queriesFormat;

    @Option(names = "--on-nan", defaultValue = "error", paramLabel = "error|skip",
            description = "Rows with NaN or inf (and, for cosine, all-zero rows): stop with their counts (error), or leave them"
                    + " out (skip; skipped queries get ids -1). Default: ${DEFAULT-VALUE}.")
    String onNan;

    @Option(names = "--block-rows", paramLabel = "ROWS",
            description = "Database rows read and searched at a time (default: about 64 MiB of float32, at most 1/8 of the heap).")
    Integer blockRows;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    /** The metric: the option, else the HDF5 file's attribute, else l2. */
    Metric metric(String hdf5Distance, Path hdf5) {
        if (metric != null) {
            return MetricNames.parse(metric);
        }
        return hdf5Distance != null ? MetricNames.ofAnnBenchmarks(hdf5, hdf5Distance) : Metric.L2;
    }

    NanPolicy nanPolicy() {
        return NanPolicy.parse(onNan);
    }

    /** Checks the options that need no file. */
    void check() {
        if (k < 1) {
            throw new BadInputException("--k " + k + " is not positive; expected k >= 1");
        }
        if (devices < 1) {
            throw new BadInputException("--devices " + devices + " is not positive; expected N >= 1");
        }
        if (blockRows != null && blockRows < 1) {
            throw new BadInputException("--block-rows " + blockRows + " is not positive; expected ROWS >= 1");
        }
        if (metric != null) {
            MetricNames.parse(metric);
        }
        nanPolicy();
        if (backend != null && !Backends.available().contains(backend)) {
            throw new BadInputException("--backend " + backend + " is not available; expected one of " + Backends.available());
        }
        if (devices > 1) {
            Backends.get(Backends.nameOrDefault(backend)).devices().setCount(devices);
        }
    }

    /** Opens the database ({@code train} of an HDF5 file). */
    Matrix openDb(Path file) {
        return matrixOnly(Matrices.open(file, Format.of(file, dbFormat, "--db-format"), "train"), "--db");
    }

    /** Opens the queries ({@code test} of an HDF5 file). */
    Matrix openQueries(Path file) {
        return matrixOnly(Matrices.open(file, Format.of(file, queriesFormat, "--queries-format"), "test"), "--queries");
    }

    /**
     * Refuses a 1-D array as a database or queries: read as one column it would be N vectors of
     * dimension 1, and the mismatch would then be blamed on the other file.
     */
    private static Matrix matrixOnly(Matrix m, String option) {
        if (m.declaredRank() != 1) {
            return m;
        }
        m.close();
        throw new BadInputException(m.file(), "is a 1-D array of " + m.rows() + " values; expected a matrix [rows, dim] for "
                + option + " (one vector of dimension " + m.rows() + " is the shape (1, " + m.rows() + "))");
    }

    /** Checks that queries and database match and that k fits. */
    void checkShapes(Matrix dbm, Matrix qm) {
        if (dbm.cols() != qm.cols()) {
            throw new BadInputException(qm.file(), "queries have dimension " + qm.cols() + " but the database " + dbm.file()
                    + " has " + dbm.cols() + "; expected the same dimension");
        }
        if (k > dbm.rows()) {
            throw new BadInputException(dbm.file(), "--k " + k + " is larger than the database (" + dbm.rows()
                    + " rows); expected k <= " + dbm.rows());
        }
        if (dbm.rows() > Integer.MAX_VALUE) {
            throw new BadInputException(dbm.file(), dbm.rows() + " rows do not fit int32 ids; expected at most " + Integer.MAX_VALUE);
        }
    }

    /** The database, streamed in blocks and converted to {@code dtype}. */
    Database database(Matrix m, DataType dtype, Metric metric) {
        // About 64 MiB a block, less on a small heap: a block is on the heap once while it is read.
        long bytes = Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 8);
        int rows = blockRows != null ? blockRows : Database.rowsFor(bytes, m.cols());
        return new Database(m, Math.max(rows, Math.min(2 * k, (int) Math.min(Integer.MAX_VALUE, m.rows()))), nanPolicy(), dtype,
                metric == Metric.COSINE);
    }

    /** {@code f32}, {@code bf16} or {@code f16}, as the search's database dtype. */
    @SuppressWarnings("deprecation")
    static DataType dtype(String name) {
        return switch (name) {
            case "f32" -> DataType.FLOAT;
            case "bf16" -> DataType.BFLOAT16;
            case "f16" -> DataType.HALF; // what the dsl maps to f16 (FLOAT16 is a different constant)
            default -> throw new BadInputException("--dtype " + name + " is not known; expected f32, bf16 or f16");
        };
    }
}
