package io.ann4j.dsl;

import io.ann4j.compiler.spi.PreparedArray;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A database prepared once for many searches ({@link Ann#prepare}): pass it to a jitted function
 * where you would pass the array. It is an immutable snapshot of the array it was made from
 * (like {@code jax.device_put}, it copies): the backend keeps what it derives from it across calls,
 * such as the CPU's int8 copy for approximate searches (a quarter of the f32 bytes) and the
 * rows' norms of an L2 or cosine search, and can never serve a stale one, because nothing can
 * change the snapshot. Changing the array you prepared from changes nothing here: prepare again
 * (or pass the array itself, which is quantized per call).
 *
 * <pre>{@code
 * Prepared db = Ann.prepare(dbArray);           // copies dbArray; you may drop yours
 * for (INDArray qy : batches) {
 *     TopK r = mips.call(qy, db);               // the first call quantizes, the others reuse it
 * }
 * }</pre>
 *
 * <p>Memory: the snapshot (the array's own bytes) plus, once searched approximately on the CPU,
 * one byte per element and 8 per row.
 */
public final class Prepared {
    private final PreparedArray array;

    Prepared(PreparedArray array) {
        this.array = array;
    }

    /** The snapshot's shape. */
    public long[] shape() {
        return array.array().shape();
    }

    /** A copy of the snapshot (changing it changes nothing here). */
    public INDArray toArray() {
        return array.array().dup('c');
    }

    /** The array handed to executables. */
    INDArray snapshot() {
        return array.array();
    }

    @Override
    public String toString() {
        return "Prepared" + array.array().dataType() + Arrays.toString(shape());
    }
}
