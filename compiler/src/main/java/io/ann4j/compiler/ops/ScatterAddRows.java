package io.ann4j.compiler.ops;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.TensorType;
import java.util.ArrayList;
import java.util.List;

/**
 * The transpose of {@link GatherRows}: adds rows into a zero array of {@code size} rows. With
 * {@code batchDims = b}, updates {@code [B..., I..., R...]} and i32 indices {@code [B..., I...]}
 * give {@code [B..., size, R...]}: {@code out[b, indices[b, i], r] += updates[b, i, r]}. The sum
 * runs in the order of {@code i} (a deterministic segment sum, never racing atomics), so the
 * same inputs give bit-identical outputs on any number of threads. An index outside
 * {@code [0, size)} is an error at run time. It is how gradients reach the rows a search selected.
 */
public record ScatterAddRows(int batchDims, int size) implements Op {

    @Override
    public String name() {
        return "scatterAddRows";
    }

    @Override
    public List<TensorType> inferTypes(List<TensorType> inputs) {
        Checks.arity(name(), inputs, 2);
        TensorType updates = inputs.get(0);
        TensorType indices = inputs.get(1);
        Checks.dtype(name(), "indices", indices, DType.I32);
        if (size < 0 || batchDims < 0 || indices.rank() < batchDims || updates.rank() < indices.rank()) {
            throw Checks.error(name(), "need size >= 0 (%d), batchDims >= 0 (%d), indices %s of rank >= batchDims and updates %s of rank >= the indices'",
                    size, batchDims, indices, updates);
        }
        for (int a = 0; a < indices.rank(); a++) {
            if (updates.dim(a) != indices.dim(a)) {
                throw Checks.error(name(), "updates %s must start with the indices' shape %s (dimension %d differs)", updates, indices, a);
            }
        }
        List<Integer> out = new ArrayList<>();
        for (int a = 0; a < batchDims; a++) {
            out.add(indices.dim(a));
        }
        out.add(size);
        for (int a = indices.rank(); a < updates.rank(); a++) {
            out.add(updates.dim(a));
        }
        return List.of(updates.withShape(out.stream().mapToInt(Integer::intValue).toArray()));
    }
}
