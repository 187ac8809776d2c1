package io.ann4j.spark;

import static io.ann4j.dsl.Ops.squaredNorms;

import io.ann4j.dsl.Similarity;
import io.ann4j.dsl.Tensor;

/**
 * What "nearest" means in a search, written as the ann4j score each shard computes. The CPU
 * backend fuses every one of them with the top-k (no {@code [queries, rows]} score matrix).
 */
public enum Metric {
    /** Maximum inner product: the largest {@code qy . row}. */
    IP(true),
    /** Euclidean distance: the smallest {@code |row|^2 / 2 - qy . row} (same order as {@code |qy - row|}). */
    L2(false),
    /** Cosine similarity: the largest {@code qy . row / (|qy| |row|)}. */
    COSINE(true);

    private final boolean largestIsBest;

    Metric(boolean largestIsBest) {
        this.largestIsBest = largestIsBest;
    }

    private static Tensor widened(Tensor db) {
        return db.dtype().isHalf() ? io.ann4j.dsl.Ops.convert(db, io.ann4j.compiler.ir.DType.F32) : db;
    }

    /** Whether the neighbours are the largest scores (approxMaxK) or the smallest (approxMinK, L2). */
    public boolean largestIsBest() {
        return largestIsBest;
    }

    /** The scores {@code [queries, rows]} of queries {@code qy [Q, D]} against rows {@code db [N, D]}. */
    public Tensor scores(Tensor qy, Tensor db) {
        return switch (this) {
            case IP -> Similarity.ip(qy, db);
            // Norms of half rows are taken in f32 (in bf16 they would lose the order of near
            // distances); the product itself reads the stored half rows.
            case L2 -> Similarity.l2(qy, db, squaredNorms(widened(db)));
            // (a half database for cosine is best stored normalised and searched with IP: here the
            // normalised rows are computed in f32)
            case COSINE -> Similarity.cosine(qy, widened(db));
        };
    }
}
