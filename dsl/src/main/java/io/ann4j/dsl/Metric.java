package io.ann4j.dsl;

import java.util.Locale;

/**
 * What "nearest" means in a search, written as the score ann4j ranks by: the largest inner
 * product or cosine, the smallest L2 score. Each score is written with {@link Similarity} so that
 * the compiler fuses it with the top-k that follows. One definition for the command, Spark and the
 * bench.
 */
public enum Metric {
    /** Maximum inner product: the largest {@code qy . row}; distance {@code -qy . row}. */
    IP,
    /** Euclidean: the smallest {@code |row|^2 / 2 - qy . row} (same order as {@code |qy - row|}); distance {@code |qy - row|}. */
    L2,
    /** Cosine similarity: the largest {@code qy . row / (|qy| |row|)}; distance {@code 1 - cos}. */
    COSINE;

    /**
     * {@code ip} (or {@code dot}, {@code mips}), {@code l2} (or {@code euclidean}), {@code cosine}
     * (or {@code angular}), in any case.
     *
     * @throws IllegalArgumentException naming the value and what is accepted
     */
    public static Metric parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "ip", "dot", "mips" -> IP;
            case "l2", "euclidean" -> L2;
            case "cosine", "angular" -> COSINE;
            default -> throw new IllegalArgumentException("metric '" + name + "' is not known; expected ip, l2 or cosine");
        };
    }

    /** The lower-case name ({@code ip}, {@code l2}, {@code cosine}). */
    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the neighbours are the smallest scores (approxMinK: L2) rather than the largest. */
    public boolean smallerIsBetter() {
        return this == L2;
    }

    /** Whether the neighbours are the largest scores (approxMaxK: IP and cosine). */
    public boolean largestIsBest() {
        return !smallerIsBetter();
    }

    /**
     * The scores {@code [queries, rows]} of queries {@code qy [Q, D]} against rows {@code db [N, D]}.
     * A half-precision database has its norms (L2) and normalised rows (cosine) taken in f32: in
     * bf16 they would lose the order of near distances. The inner product reads the stored rows.
     */
    public Tensor scores(Tensor qy, Tensor db) {
        return switch (this) {
            case IP -> Similarity.ip(qy, db);
            case L2 -> Similarity.l2(qy, db, Ops.squaredNorms(widened(db)));
            case COSINE -> Similarity.cosine(qy, widened(db));
        };
    }

    private static Tensor widened(Tensor db) {
        return db.dtype().isHalf() ? Ops.convert(db, io.ann4j.compiler.ir.DType.F32) : db;
    }

    /**
     * The distance of a score, smaller is better for every metric (ann-benchmarks' recall rule):
     * {@code queryNormSquared} is {@code |q|^2}, used by L2 only.
     */
    public float distance(float score, double queryNormSquared) {
        return switch (this) {
            case IP -> -score;
            case L2 -> (float) Math.sqrt(Math.max(0.0, queryNormSquared + 2.0 * score));
            case COSINE -> 1.0f - score;
        };
    }
}
