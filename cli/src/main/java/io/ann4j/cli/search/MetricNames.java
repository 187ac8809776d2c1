package io.ann4j.cli.search;

import io.ann4j.cli.BadInputException;
import io.ann4j.dsl.Metric;
import java.nio.file.Path;

/** How the command names a {@link Metric}: its {@code --metric} values and ann-benchmarks' {@code distance} attribute. */
public final class MetricNames {
    private MetricNames() {}

    /** {@code --metric}: ip, l2 or cosine (and their aliases); else a bad-input error naming the option. */
    public static Metric parse(String name) {
        try {
            return Metric.parse(name);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--metric " + name + " is not known; expected ip, l2 or cosine");
        }
    }

    /** The metric of an ann-benchmarks {@code distance} attribute. */
    public static Metric ofAnnBenchmarks(Path file, String distance) {
        if (distance == null) {
            throw new BadInputException(file, "has no 'distance' attribute; expected angular or euclidean (or pass --metric)");
        }
        return switch (distance) {
            case "angular" -> Metric.COSINE;
            case "euclidean" -> Metric.L2;
            case "ip", "dot" -> Metric.IP;
            default -> throw new BadInputException(file, "distance '" + distance
                    + "' is not supported; expected angular or euclidean (float data)");
        };
    }

    /** The name ann-benchmarks files use for {@code m}. */
    public static String annBenchmarksName(Metric m) {
        return switch (m) {
            case IP -> "ip";
            case L2 -> "euclidean";
            case COSINE -> "angular";
        };
    }
}
