package io.ann4j.cli;

import io.ann4j.cli.search.MetricNames;
import io.ann4j.cli.io.ArrayMatrix;
import io.ann4j.cli.io.AtomicOutput;
import io.ann4j.cli.io.Format;
import io.ann4j.cli.io.MatrixWriter;
import io.ann4j.cli.io.Table;
import io.ann4j.cli.search.BlockSearch;
import io.ann4j.cli.search.Database;
import io.ann4j.dsl.Metric;
import io.ann4j.cli.search.NanPolicy;
import io.ann4j.cli.search.Neighbors;
import io.ann4j.cli.search.Queries;
import io.ann4j.cli.search.SearchSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ann4j generate}: a synthetic ann-benchmarks file (clustered Gaussian vectors, and their
 * exact neighbours and distances), so that every other command can be tried without a download.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Writes a synthetic ann-benchmarks .hdf5 file: clustered Gaussian train and test vectors,"
                + " their exact neighbours and distances.")
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--n", defaultValue = "100000", description = "Database rows (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--q", defaultValue = "1000", description = "Queries (default: ${DEFAULT-VALUE}).")
    int q;

    @Option(names = "--dim", defaultValue = "128", description = "Dimension (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--clusters", defaultValue = "100", description = "Gaussian clusters (default: ${DEFAULT-VALUE}).")
    int clusters;

    @Option(names = "--k", defaultValue = "100", description = "Neighbours stored per query (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--distance", defaultValue = "euclidean", paramLabel = "euclidean|angular",
            description = "The file's distance (default: ${DEFAULT-VALUE}).")
    String distance;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "FILE.hdf5", description = "The file to write.")
    Path out;

    @Option(names = "--force", description = "Overwrite an existing file.")
    boolean force;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (n < 1 || q < 1 || dim < 1 || clusters < 1 || k < 1) {
            throw new BadInputException("--n, --q, --dim, --clusters and --k must be positive; got " + n + ", " + q + ", " + dim
                    + ", " + clusters + ", " + k);
        }
        if (k > n) {
            throw new BadInputException("--k " + k + " is larger than --n " + n + "; expected k <= n");
        }
        if ((long) n * dim > Integer.MAX_VALUE / 2) {
            throw new BadInputException("--n " + n + " x --dim " + dim + " is too large to generate in memory; expected n x dim < 2^30");
        }
        Metric metric = MetricNames.ofAnnBenchmarks(out, distance);
        if (Format.of(out, null, null) != Format.HDF5) {
            throw new BadInputException(out, "generate writes ann-benchmarks files; expected a .hdf5 name");
        }
        AtomicOutput.check(out, force);
        Random r = new Random(seed);
        float[] centers = gaussian(r, clusters * dim, 3.0f);
        float[] train = clustered(r, centers, n);
        float[] test = clustered(r, centers, q);
        Path name = out.getFileName();
        Neighbors gt;
        try (Progress p = Progress.start("generate", n, "rows", Progress.allowed(quiet))) {
            Database db = new Database(new ArrayMatrix(name, n, dim, train), Database.rowsFor(64L << 20, dim), NanPolicy.ERROR,
                    DataType.FLOAT);
            gt = new BlockSearch(new SearchSpec(metric, k, Double.NaN, null, null, 1))
                    .run(Queries.load(new ArrayMatrix(name, q, dim, test), NanPolicy.ERROR), db, p::step);
        }
        Map<String, Table> sets = new LinkedHashMap<>();
        sets.put("train", Table.ofFloats(n, dim, train));
        sets.put("test", Table.ofFloats(q, dim, test));
        sets.put("neighbors", Table.ofInts(q, k, gt.ids()));
        sets.put("distances", Table.ofFloats(q, k, gt.distances()));
        AtomicOutput.write(out, force, tmp -> MatrixWriter.writeHdf5(tmp, sets,
                Map.of("distance", distance, "point_type", "float", "type", "dense", "dimension", dim)));
        spec.commandLine().getOut().printf("generate: wrote %s (train %d x %d, test %d, %d neighbours each, %s)%n", out, n, dim, q, k,
                distance);
        return 0;
    }

    private float[] clustered(Random r, float[] centers, int rows) {
        float[] v = gaussian(r, rows * dim, 1.0f);
        for (int i = 0; i < rows; i++) {
            int c = r.nextInt(clusters);
            for (int j = 0; j < dim; j++) {
                v[i * dim + j] += centers[c * dim + j];
            }
        }
        return v;
    }

    private static float[] gaussian(Random r, int size, float scale) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) r.nextGaussian() * scale;
        }
        return v;
    }
}
