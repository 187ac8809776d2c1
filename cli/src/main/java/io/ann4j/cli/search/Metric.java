package io.ann4j.cli.search;

import io.ann4j.cli.BadInputException;
import io.ann4j.dsl.Similarity;
import io.ann4j.dsl.Tensor;
import java.util.Locale;

/**
 * The similarity a search ranks by, written with the DSL as the bench writes it, and the distance
 * that results files hold (smaller is better for every metric, so that ann-benchmarks' recall rule
 * applies to all).
 */
public enum Metric {
    /** Maximum inner product; distance = -q.x. */
    IP,
    /** Euclidean; distance = |q - x|. */
    L2,
    /** Cosine (ann-benchmarks' angular); distance = 1 - cos(q, x). */
    COSINE;

    /** {@code ip}, {@code l2} or {@code cosine}. */
    public static Metric parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "ip", "dot", "mips" -> IP;
            case "l2", "euclidean" -> L2;
            case "cosine", "angular" -> COSINE;
            default -> throw new BadInputException("--metric " + name + " is not known; expected ip, l2 or cosine");
        };
    }

    /** The metric of an ann-benchmarks {@code distance} attribute. */
    public static Metric ofAnnBenchmarks(java.nio.file.Path file, String distance) {
        if (distance == null) {
            throw new BadInputException(file, "has no 'distance' attribute; expected angular or euclidean (or pass --metric)");
        }
        return switch (distance) {
            case "angular" -> COSINE;
            case "euclidean" -> L2;
            case "ip", "dot" -> IP;
            default -> throw new BadInputException(file, "distance '" + distance
                    + "' is not supported; expected angular or euclidean (float data)");
        };
    }

    /** The name ann-benchmarks files use for this metric. */
    public String annBenchmarksName() {
        return switch (this) {
            case IP -> "ip";
            case L2 -> "euclidean";
            case COSINE -> "angular";
        };
    }

    /** The lower-case option name. */
    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the score is a distance (smallest first) rather than a similarity. */
    public boolean smallerIsBetter() {
        return this == L2;
    }

    /**
     * The score whose largest (ip, cosine) or smallest (l2) values are the neighbours: for l2,
     * {@code |x|^2 / 2 - q.x}, which orders as the distance does with less arithmetic.
     */
    public Tensor scores(Tensor qy, Tensor db) {
        return switch (this) {
            case IP -> Similarity.ip(qy, db);
            case L2 -> Similarity.l2(qy, db);
            case COSINE -> Similarity.cosine(qy, db);
        };
    }

    /**
     * The distance from a score: {@code queryNormSquared} is {@code |q|^2} (used by l2 only).
     */
    public float distance(float score, double queryNormSquared) {
        return switch (this) {
            case IP -> -score;
            case L2 -> (float) Math.sqrt(Math.max(0.0, queryNormSquared + 2.0 * score));
            case COSINE -> 1.0f - score;
        };
    }
}
