package io.ann4j.compiler.ops;

import io.ann4j.compiler.ir.Dims;
import io.ann4j.compiler.ir.TensorType;
import java.util.ArrayList;
import java.util.List;

/**
 * JAX's {@code lax.dot_general}: contracts {@code lhsContracting} with {@code rhsContracting},
 * with {@code lhsBatch}/{@code rhsBatch} as batch dimensions. The result's dimensions are the
 * batch dimensions, then the lhs's free dimensions, then the rhs's, each in order. Operands of
 * different floating dtypes are allowed: the product is computed in {@link
 * io.ann4j.compiler.ir.DType#promote the promoted type} (JAX's {@code jnp.dot} converts the
 * narrower operand; backends may instead multiply the stored halves, accumulating in f32).
 */
public record DotGeneral(Dims lhsContracting, Dims rhsContracting, Dims lhsBatch, Dims rhsBatch) implements Op {

    /** {@code lax.dot} of a matrix (or vector) with a matrix (or vector). */
    public static DotGeneral dot(int lhsRank) {
        return new DotGeneral(Dims.of(lhsRank - 1), Dims.of(0), Dims.empty(), Dims.empty());
    }

    @Override
    public String name() {
        return "dotGeneral";
    }

    @Override
    public List<TensorType> inferTypes(List<TensorType> inputs) {
        String op = name();
        Checks.arity(op, inputs, 2);
        TensorType lhs = inputs.get(0);
        TensorType rhs = inputs.get(1);
        Checks.floating(op, "lhs", lhs);
        Checks.floating(op, "rhs", rhs);
        if (lhsContracting.size() != rhsContracting.size() || lhsBatch.size() != rhsBatch.size()) {
            throw Checks.error(op, "contracting %s/%s and batch %s/%s dimensions must pair up (lhs %s, rhs %s)",
                    lhsContracting, rhsContracting, lhsBatch, rhsBatch, lhs, rhs);
        }
        checkAxes(op, "lhs", lhs, lhsContracting, lhsBatch);
        checkAxes(op, "rhs", rhs, rhsContracting, rhsBatch);
        for (int i = 0; i < lhsContracting.size(); i++) {
            if (lhs.dim(lhsContracting.get(i)) != rhs.dim(rhsContracting.get(i))) {
                throw Checks.error(op, "contracting dimensions must match: lhs %s dimension %d has size %d, rhs %s dimension %d has size %d",
                        lhs, lhsContracting.get(i), lhs.dim(lhsContracting.get(i)),
                        rhs, rhsContracting.get(i), rhs.dim(rhsContracting.get(i)));
            }
        }
        for (int i = 0; i < lhsBatch.size(); i++) {
            if (lhs.dim(lhsBatch.get(i)) != rhs.dim(rhsBatch.get(i))) {
                throw Checks.error(op, "batch dimensions must match: lhs %s dimension %d vs rhs %s dimension %d",
                        lhs, lhsBatch.get(i), rhs, rhsBatch.get(i));
            }
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < lhsBatch.size(); i++) {
            out.add(lhs.dim(lhsBatch.get(i)));
        }
        for (int a : lhsFree(lhs.rank())) {
            out.add(lhs.dim(a));
        }
        for (int a : rhsFree(rhs.rank())) {
            out.add(rhs.dim(a));
        }
        // Mixed floating dtypes (f32 queries against a bf16 database) compute in the promoted type,
        // as jnp.dot converts the narrower operand first; equal dtypes keep theirs, as lax does.
        int[] shape = new int[out.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = out.get(i);
        }
        return List.of(lhs.withShape(shape).withDType(io.ann4j.compiler.ir.DType.promote(lhs.dtype(), rhs.dtype())));
    }

    /** The lhs axes that are neither contracted nor batch, in order. */
    public int[] lhsFree(int rank) {
        return free(rank, lhsContracting, lhsBatch);
    }

    /** The rhs axes that are neither contracted nor batch, in order. */
    public int[] rhsFree(int rank) {
        return free(rank, rhsContracting, rhsBatch);
    }

    private static int[] free(int rank, Dims contracting, Dims batch) {
        int[] free = new int[rank];
        int n = 0;
        for (int a = 0; a < rank; a++) {
            if (!contracting.contains(a) && !batch.contains(a)) {
                free[n++] = a;
            }
        }
        return java.util.Arrays.copyOf(free, n);
    }

    private static void checkAxes(String op, String side, TensorType t, Dims contracting, Dims batch) {
        boolean[] seen = new boolean[t.rank()];
        for (Dims d : List.of(contracting, batch)) {
            for (int i = 0; i < d.size(); i++) {
                int a = d.get(i);
                Checks.axis(op, side + " dimension", a, t.rank(), t);
                if (seen[a]) {
                    throw Checks.error(op, "%s dimension %d is used twice (%s)", side, a, t);
                }
                seen[a] = true;
            }
        }
    }
}
