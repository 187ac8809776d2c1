package io.ann4j.dsl;

import static io.ann4j.dsl.Ops.broadcastInDim;
import static io.ann4j.dsl.Ops.div;
import static io.ann4j.dsl.Ops.dot;
import static io.ann4j.dsl.Ops.normalizeRows;
import static io.ann4j.dsl.Ops.squaredNorms;
import static io.ann4j.dsl.Ops.sub;
import static io.ann4j.dsl.Ops.transpose;

/**
 * The scores of the three standard searches, queries {@code qy [Q, D]} against rows
 * {@code db [N, D]}, written so that the compiler fuses each with the top-k that follows (no
 * {@code [Q, N]} matrix): the neighbours are the largest inner-product and cosine scores and the
 * smallest L2 scores.
 */
public final class Similarity {
    private Similarity() {}

    /** {@code qy . db^T}: maximum inner product. */
    public static Tensor ip(Tensor qy, Tensor db) {
        return dot(qy, transpose(db));
    }

    /** {@code |db|^2 / 2 - qy . db^T}: orders rows as the L2 distance does, with less arithmetic. */
    public static Tensor l2(Tensor qy, Tensor db) {
        return l2(qy, db, squaredNorms(db));
    }

    /**
     * {@link #l2(Tensor, Tensor)} with the rows' squared norms given (e.g. taken in f32 for a
     * half-precision database, whose own norms would lose the order of near distances).
     */
    public static Tensor l2(Tensor qy, Tensor db, Tensor squaredNorms) {
        return sub(broadcastInDim(div(squaredNorms, 2.0), new int[] {qy.dim(0), db.dim(0)}, new int[] {1}), ip(qy, db));
    }

    /** {@code qy . db^T} over rows scaled to unit length: cosine similarity. */
    public static Tensor cosine(Tensor qy, Tensor db) {
        return dot(normalizeRows(qy), transpose(normalizeRows(db)));
    }
}
