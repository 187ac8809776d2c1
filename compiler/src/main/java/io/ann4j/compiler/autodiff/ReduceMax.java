package io.ann4j.compiler.autodiff;

import io.ann4j.compiler.ir.Value;
import io.ann4j.compiler.ops.Reduce;
import io.ann4j.compiler.ops.UnaryOp;

/** Where {@code reduceMax} found its maximum, for its derivative (JAX splits it among ties). */
final class ReduceMax {
    private ReduceMax() {}

    /** 1 where the operand equals its reduced maximum, else 0 (as {@code 1 - |sign(x - max)|}). */
    static Value locations(Emit e, Reduce r, Value x, Value max) {
        int rank = x.type().rank();
        int[] kept = new int[rank - r.axes().size()];
        for (int a = 0, j = 0; a < rank; a++) {
            if (!r.axes().contains(a)) {
                kept[j++] = a;
            }
        }
        Value back = e.broadcast(max, x.type(), kept);
        Value differs = e.unary(UnaryOp.Kind.ABS, e.unary(UnaryOp.Kind.SIGN, e.sub(x, back)));
        return e.sub(e.full(1, x.type()), differs);
    }
}
