package io.ann4j.cli;

import io.ann4j.dsl.Metric;
import io.ann4j.cli.io.Format;
import io.ann4j.cli.io.Hdf5File;
import io.ann4j.cli.io.Matrix;
import io.ann4j.cli.search.BlockSearch;
import io.ann4j.cli.search.Database;
import io.ann4j.cli.search.Neighbors;
import io.ann4j.cli.search.Queries;
import io.ann4j.cli.search.SearchSpec;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What {@code search} and {@code groundtruth} share: read, check, search in blocks, write atomically. */
abstract class AbstractSearchCommand implements Callable<Integer> {
    @Mixin
    SearchOptions opts;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "Where the neighbours go: .npy/.ivecs/.ibin (ids), .csv or .hdf5 (ids and distances).")
    Path out;

    @Option(names = "--format", paramLabel = "EXT", description = "The output's format when its extension does not say.")
    String format;

    @Option(names = "--force", description = "Overwrite an existing output.")
    boolean force;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** NaN for the exact top-k. */
    abstract double recallTarget();

    /** The database dtype. */
    DataType dtype() {
        return DataType.FLOAT;
    }

    @Override
    public Integer call() throws Exception {
        opts.check();
        DataType dt = dtype();
        double target = recallTarget();
        if (!Double.isNaN(target) && !(target > 0 && target <= 1)) {
            throw new BadInputException("--recall " + target + " is out of range; expected a target in (0, 1]");
        }
        if (opts.db == null || opts.queries == null) {
            throw new BadInputException("--db and --queries are required; expected both files");
        }
        NeighborsOutput.checkNotAnInput(out, opts.db, opts.queries);
        Format outFormat = NeighborsOutput.check(out, format, force);
        String distance = null;
        if (Format.of(opts.db, opts.dbFormat, "--db-format") == Format.HDF5) {
            try (Hdf5File h = new Hdf5File(opts.db)) {
                distance = h.distance();
            }
        }
        long t0 = System.nanoTime();
        try (Matrix dbm = opts.openDb(opts.db); Matrix qm = opts.openQueries(opts.queries)) {
            opts.checkShapes(dbm, qm);
            SearchSpec s = new SearchSpec(opts.metric(distance, opts.db), opts.k, target, null, opts.backend, opts.devices);
            boolean cosine = s.metric() == io.ann4j.dsl.Metric.COSINE;
            Queries queries = Queries.load(qm, opts.nanPolicy(), cosine);
            Database db = opts.database(dbm, dt, s.metric());
            double prepared = (System.nanoTime() - t0) / 1e9;
            Neighbors n;
            BlockSearch search = new BlockSearch(s);
            try (Progress p = Progress.start(spec.name(), dbm.rows(), "rows", Progress.allowed(opts.quiet))) {
                n = search.run(queries, db, p::step);
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            String bad = cosine ? "NaN, infinite or all-zero values" : "NaN or infinite values";
            if (db.usableRows() == 0) {
                throw new BadInputException(dbm.file(), "every one of its " + dbm.rows() + " rows holds " + bad
                        + " (--on-nan skip left nothing to search); expected at least one row to search");
            }
            int skippedQueries = queries.total() - queries.count();
            if (db.skippedRows() > 0 || skippedQueries > 0) {
                spec.commandLine().getOut().printf("skipped (--on-nan skip): %d of %d database rows and %d of %d queries hold %s;"
                        + " the skipped queries' ids are -1%n", db.skippedRows(), dbm.rows(), skippedQueries, queries.total(), bad);
            }
            long w0 = System.nanoTime();
            NeighborsOutput.write(out, outFormat, n, force);
            double write = (System.nanoTime() - w0) / 1e9;
            // the phases: the database is read and converted block by block between the searches
            double searching = search.searchSeconds();
            double reading = Math.max(0, secs - prepared - searching);
            spec.commandLine().getOut().printf("%s: %d queries x %d rows (dim %d, %s, k=%d%s) in %.2f s (%.0f queries/s); wrote %s%n"
                            + "  phases: open and read the queries %.2f s, read the database %.2f s, search %.2f s, write %.2f s%n",
                    spec.name(), queries.count(), db.usableRows(), dbm.cols(), s.metric().optionName(), s.k(),
                    s.exact() ? ", exact" : ", recall target " + target, secs, queries.count() / secs, out,
                    prepared, reading, searching, write);
        }
        return 0;
    }
}
