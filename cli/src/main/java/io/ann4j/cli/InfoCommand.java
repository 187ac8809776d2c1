package io.ann4j.cli;

import io.ann4j.cli.io.Format;
import io.ann4j.cli.io.Hdf5File;
import io.ann4j.cli.io.Matrices;
import io.ann4j.cli.io.Matrix;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ann4j info F}: shape, dtype, norms and NaN / infinity counts of a file. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Shape, dtype, row norms (min, median, max) and NaN and inf counts of a file (each dataset of an .hdf5).")
final class InfoCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The file.")
    Path file;

    @Option(names = "--format", paramLabel = "EXT", description = "The file's format when its extension does not say.")
    String format;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Format f = Format.of(file, format);
        if (f == Format.HDF5) {
            try (Hdf5File h = new Hdf5File(file)) {
                out.printf("%s: HDF5%n", file);
                for (Map.Entry<String, Object> a : h.attributes().entrySet()) {
                    out.printf("  attribute %s = %s%n", a.getKey(), a.getValue());
                }
                for (String name : h.datasets()) {
                    try (Matrix m = h.dataset(name)) {
                        print(out, name, m);
                    }
                }
            }
            return 0;
        }
        try (Matrix m = Matrices.open(file, f, null)) {
            out.printf("%s: %s%n", file, f.name().toLowerCase(java.util.Locale.ROOT));
            print(out, "data", m);
        }
        return 0;
    }

    private void print(PrintWriter out, String name, Matrix m) {
        MatrixStats s;
        try (Progress p = Progress.start(name, m.rows(), "rows", Progress.allowed(quiet))) {
            s = MatrixStats.of(m, p::step);
        }
        out.printf("  %-10s shape [%d, %d]  dtype %s%n", name, s.rows(), s.cols(), m.dtype());
        out.printf("  %-10s norms min %.6g  median %.6g%s  max %.6g%n", "", s.minNorm(), s.medianNorm(),
                s.sampledMedian() ? " (sampled)" : "", s.maxNorm());
        out.printf("  %-10s NaN %d  inf %d%s%n", "", s.nan(), s.inf(), s.badRows() > 0 ? "  (in " + s.badRows() + " rows)" : "");
    }
}
