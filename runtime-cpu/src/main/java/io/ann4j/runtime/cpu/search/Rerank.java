package io.ann4j.runtime.cpu.search;

import io.ann4j.compiler.ops.TotalOrder;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The second stage of a reduced-precision search (int8 or half products): each query's
 * candidates re-scored exactly and the best {@code outSize} kept, best first (key descending,
 * then index ascending: the selection's order). The scorer gives the value the f32 search
 * returns for a (query, row) pair, so the values returned are those, bit for bit.
 */
final class Rerank {
    /** The exact value of one (query, database row) pair. One per worker: it may keep scratch. */
    @FunctionalInterface
    interface Scorer {
        float score(int query, int row);

        /**
         * {@code out[i] = score(query, rows[i])} for {@code i < count}: a scorer may score several
         * rows at once, so that their loads from memory overlap.
         */
        default void scoreAll(int query, int[] rows, int count, float[] out) {
            for (int i = 0; i < count; i++) {
                out[i] = score(query, rows[i]);
            }
        }
    }

    private Rerank() {}

    /**
     * @param r      the first stage: {@code [rows, C]} candidates per query (padding: index -1)
     * @param always database rows every query re-scores besides its candidates (rows whose
     *               approximate scores mean nothing, e.g. with NaN); ascending, may be empty
     */
    static SearchRun.Result rerank(SearchRun.Result r, int outSize, boolean isMax, int[] always,
                                   Supplier<Scorer> scorers) {
        SearchRun.Result out = new SearchRun.Result(new float[r.rows() * outSize], null, new int[r.rows() * outSize],
                r.rows(), outSize);
        // Queries are independent: ranges of them are re-ranked on the search's workers.
        SearchRun.forEachRowRange(r.rows(), (from, to) -> rerankRows(r, out, from, to, isMax, always, scorers.get()));
        return out;
    }

    private static void rerankRows(SearchRun.Result r, SearchRun.Result out, int from, int to, boolean isMax,
                                   int[] always, Scorer scorer) {
        int c = r.outSize();
        int outSize = out.outSize();
        long[] packed = new long[c + always.length];
        int[] seen = new int[c];
        float[] values = new float[c];
        for (int qi = from; qi < to; qi++) {
            int count = 0;
            while (count < c && r.indices()[qi * c + count] >= 0) {
                seen[count] = r.indices()[qi * c + count];
                count++;
            }
            scorer.scoreAll(qi, seen, count, values);
            for (int i = 0; i < count; i++) {
                packed[i] = pack(values[i], seen[i], isMax);
            }
            int candidates = count;
            for (int j : always) {
                if (!contains(seen, candidates, j)) {
                    packed[count++] = pack(scorer.score(qi, j), j, isMax);
                }
            }
            Arrays.sort(packed, 0, count);
            int base = qi * outSize;
            for (int i = 0; i < outSize; i++) {
                boolean present = i < count;
                long p = present ? packed[count - 1 - i] : 0;
                out.indices()[base + i] = present ? ~(int) p : -1;
                out.values()[base + i] = present ? TotalOrder.valueOfSelectKey((int) (p >> 32), isMax)
                        : (isMax ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY);
            }
        }
    }

    /**
     * Best first = (key descending, index ascending) = packed (key, ~index) descending; the value
     * comes back from its key (the total-order key is a bijection of the bits).
     */
    private static long pack(float v, int j, boolean isMax) {
        return ((long) TotalOrder.selectKey(v, isMax) << 32) | (~j & 0xffffffffL);
    }

    private static boolean contains(int[] a, int count, int x) {
        for (int i = 0; i < count; i++) {
            if (a[i] == x) {
                return true;
            }
        }
        return false;
    }
}
