package io.ann4j.compiler.autodiff;

import io.ann4j.compiler.ir.Dims;
import io.ann4j.compiler.ir.Value;
import io.ann4j.compiler.ops.DotGeneral;
import java.util.Arrays;
import java.util.List;

/**
 * The transpose of {@code dot_general} with respect to each operand: the cotangent contracted with
 * the other operand over the other's free dimensions, batch with batch, then transposed into the
 * operand's axis order. For the search form {@code dot(qy, db^T)} this gives {@code ct . db} and
 * {@code ct^T . qy} as plain dots, the shapes the sparse-gradient pass recognises.
 */
final class DotTranspose {
    private DotTranspose() {}

    static List<Value> rule(Emit e, DotGeneral d, Value lhs, Value rhs, Value ct) {
        // With mixed dtypes the product ran in the promoted type; each cotangent returns to its operand's.
        return Arrays.asList(e.convert(side(e, d.lhsBatch(), d.lhsContracting(), d.lhsFree(lhs.type().rank()),
                        d.rhsBatch(), d.rhsContracting(), d.rhsFree(rhs.type().rank()), rhs, ct, true), lhs.type().dtype()),
                e.convert(side(e, d.rhsBatch(), d.rhsContracting(), d.rhsFree(rhs.type().rank()),
                        d.lhsBatch(), d.lhsContracting(), d.lhsFree(lhs.type().rank()), lhs, ct, false), rhs.type().dtype()));
    }

    /**
     * The cotangent of one operand ("this"), from the other. {@code thisFirst}: this operand's
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
