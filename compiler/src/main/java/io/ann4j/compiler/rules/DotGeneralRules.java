package io.ann4j.compiler.rules;

import io.ann4j.compiler.autodiff.Emit;
import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.Dims;
import io.ann4j.compiler.ir.Permutations;
import io.ann4j.compiler.ir.Value;
import io.ann4j.compiler.ops.*;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** {@link DotGeneral}: {@code dot_general}; its transpose contracts the cotangent with the other operand. */
public final class DotGeneralRules implements OpRules<DotGeneral> {
    static final DotGeneralRules INSTANCE = new DotGeneralRules();

    private DotGeneralRules() {}

    @Override
    public List<Value> jvp(Emit e, DotGeneral op, List<Value> x, List<Value> t, List<Value> out) {
        return Arrays.asList(e.addZ(t.get(0) == null ? null : e.builder().add1(op, t.get(0), x.get(1)),
                t.get(1) == null ? null : e.builder().add1(op, x.get(0), t.get(1))));
    }

    @Override
    public List<Value> transpose(Emit e, DotGeneral op, List<Value> x, List<Value> out, List<Value> ct) {
        Value lhs = x.get(0), rhs = x.get(1), c = ct.get(0);
        // With mixed dtypes the product ran in the promoted type; each cotangent returns to its operand's.
        return Arrays.asList(e.convert(side(e, op.lhsBatch(), op.lhsContracting(), op.lhsFree(lhs.type().rank()),
                        op.rhsBatch(), op.rhsContracting(), op.rhsFree(rhs.type().rank()), rhs, c, true), lhs.type().dtype()),
                e.convert(side(e, op.rhsBatch(), op.rhsContracting(), op.rhsFree(rhs.type().rank()),
                        op.lhsBatch(), op.lhsContracting(), op.lhsFree(lhs.type().rank()), lhs, c, false), rhs.type().dtype()));
    }

    @Override
    public List<Value> batch(BatchingContext b, DotGeneral op, List<Value> ins) {
        boolean lb = b.isBatched(ins.get(0));
        boolean rb = b.isBatched(ins.get(1));
        Dims one = Dims.of(0);
        if (lb && rb) {
            return b.builder().add(new DotGeneral(RuleSupport.shift(Dims.empty(), op.lhsContracting(), 1),
                    RuleSupport.shift(Dims.empty(), op.rhsContracting(), 1), RuleSupport.shift(one, op.lhsBatch(), 1),
                    RuleSupport.shift(one, op.rhsBatch(), 1)), ins);
        }
        int nb = op.lhsBatch().size();
        Value result;
        int position;
        if (lb) {
            result = b.builder().add1(new DotGeneral(RuleSupport.shift(Dims.empty(), op.lhsContracting(), 1), op.rhsContracting(),
                    RuleSupport.shift(Dims.empty(), op.lhsBatch(), 1), op.rhsBatch()), ins.get(0), ins.get(1));
            position = nb;
        } else {
            result = b.builder().add1(new DotGeneral(op.lhsContracting(), RuleSupport.shift(Dims.empty(), op.rhsContracting(), 1),
                    op.lhsBatch(), RuleSupport.shift(Dims.empty(), op.rhsBatch(), 1)), ins.get(0), ins.get(1));
            position = nb + op.lhsFree(ins.get(0).type().rank()).length;
        }
        return List.of(moveToFront(b, result, position));
    }

    /** The batch dimension, produced at {@code axis}, moved to the front. */
    private static Value moveToFront(BatchingContext b, Value v, int axis) {
        if (axis == 0) {
            return v;
        }
        int[] perm = new int[v.type().rank()];
        perm[0] = axis;
        for (int i = 1, j = 0; i < perm.length; j++) {
            if (j != axis) {
                perm[i++] = j;
            }
        }
        return b.builder().add1(new Transpose(Dims.of(perm)), v);
    }

    /**
     * The cotangent of one operand ("this"), from the other: contracted with the other operand over
     * the other's free dimensions, batch with batch, then transposed into the operand's axis order.
     * For the search form {@code dot(qy, db^T)} this gives {@code ct . db} and {@code ct^T . qy} as
     * plain dots, the shapes the sparse-gradient pass recognises. {@code thisFirst}: this operand's
     * free dimensions come before the other's in the dot's output.
     */
    private static Value side(Emit e, Dims thisBatch, Dims thisContracting, int[] thisFree,
                              Dims otherBatch, Dims otherContracting, int[] otherFree, Value other, Value ct, boolean thisFirst) {
        int nb = thisBatch.size();
        int otherFreeStart = thisFirst ? nb + thisFree.length : nb;
        int[] ctContract = new int[otherFree.length];
        for (int j = 0; j < otherFree.length; j++) {
            ctContract[j] = otherFreeStart + j;
        }
        int[] ctBatch = new int[nb];
        for (int i = 0; i < nb; i++) {
            ctBatch[i] = i;
        }
        // ct's remaining axes (batch, then this operand's free block) keep their order in the product.
        Value r = e.builder().add1(new DotGeneral(Dims.of(ctContract), Dims.of(otherFree), Dims.of(ctBatch), otherBatch), ct, other);
        // r: [batch, this free, other's remaining axes = its contracting ones in ascending order]
        int rank = nb + thisFree.length + thisContracting.size();
        int[] posToAxis = new int[rank];
        for (int i = 0; i < nb; i++) {
            posToAxis[i] = thisBatch.get(i);
        }
        for (int j = 0; j < thisFree.length; j++) {
            posToAxis[nb + j] = thisFree[j];
        }
        int[] sorted = otherContracting.toArray();
        Arrays.sort(sorted);
        for (int m = 0; m < sorted.length; m++) {
            int i = indexOf(otherContracting, sorted[m]);
            posToAxis[nb + thisFree.length + m] = thisContracting.get(i);
        }
        int[] perm = new int[rank];
        for (int pos = 0; pos < rank; pos++) {
            perm[posToAxis[pos]] = pos;
        }
        return e.transpose(r, perm);
    }

    private static int indexOf(Dims d, int v) {
        for (int i = 0; i < d.size(); i++) {
            if (d.get(i) == v) {
                return i;
            }
        }
        throw new IllegalStateException(v + " not in " + d);
    }
}
