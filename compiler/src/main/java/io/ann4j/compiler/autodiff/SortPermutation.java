package io.ann4j.compiler.autodiff;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.Value;
import io.ann4j.compiler.ops.Iota;
import io.ann4j.compiler.ops.SortKeyVal;
import java.util.List;

/** The permutation a stable {@code sortKeyVal} applies, recovered by sorting an iota along. */
final class SortPermutation {
    private SortPermutation() {}

    static Value of(Emit e, Value keys, int dimension) {
        Value iota = e.builder().add1(new Iota(DType.I32, keys.type().shape(), dimension));
        return e.builder().add(new SortKeyVal(dimension), List.of(keys, iota)).get(1);
    }
}
