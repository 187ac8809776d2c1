package io.ann4j.spark.ml;

import scala.collection.immutable.ArraySeq;

/** Array values for Spark {@code Row}s: Spark 4's row encoder takes Scala sequences, not Java lists. */
final class Seqs {
    private Seqs() {}

    static ArraySeq<Object> of(Object[] values) {
        return ArraySeq.unsafeWrapArray(values);
    }

    /** Boxed floats, as an {@code array<float>} column holds them. */
    static ArraySeq<Object> ofFloats(float[] values, int from, int length) {
        Object[] boxed = new Object[length];
        for (int i = 0; i < length; i++) {
            boxed[i] = values[from + i];
        }
        return ArraySeq.unsafeWrapArray(boxed);
    }
}
