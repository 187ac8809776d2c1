package io.ann4j.compiler.autodiff;

import io.ann4j.compiler.ir.Value;
import io.ann4j.compiler.ops.Reduce;
import io.ann4j.compiler.ops.UnaryOp;

/** Where {@code reduceMax} found its maximum, for its derivative (JAX splits it among ties). */
final class ReduceMax {
    private ReduceMax() {}

    /** 1 where the operand equals its reduced maximum, else 0 (as {@code 1 - |sign(x - max)|}). */
    static Value locations(Emit e, Reduce r, Value x, Value max) {
        Value back = e.broadcast(max, x.type(), TransposeRules.kept(x.type().rank(), r.axes()));
        Value differs = e.unary(UnaryOp.Kind.ABS, e.unary(UnaryOp.Kind.SIGN, e.sub(x, back)));
        return e.sub(e.full(1, x.type()), differs);
    }
}
