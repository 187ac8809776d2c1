package io.ann4j.compiler.ops;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.TensorType;
import java.util.ArrayList;
import java.util.List;

/**
 * Gathers rows by index (re-ranking: fetch the candidates' vectors). With {@code batchDims = b},
 * operand {@code [B..., N, R...]} and i32 indices {@code [B..., I...]} give
 * {@code [B..., I..., R...]}: {@code out[b, i, r] = operand[b, indices[b, i], r]}. An index
 * outside {@code [0, N)} is an error at run time.
 */
public record GatherRows(int batchDims) implements Op {

    @Override
    public String name() {
        return "gatherRows";
    }

    @Override
    public List<TensorType> inferTypes(List<TensorType> inputs) {
        Checks.arity(name(), inputs, 2);
        TensorType operand = inputs.get(0);
        TensorType indices = inputs.get(1);
        Checks.dtype(name(), "indices", indices, DType.I32);
        if (batchDims < 0 || operand.rank() < batchDims + 1 || indices.rank() < batchDims) {
            throw Checks.error(name(), "operand %s needs rank > batchDims (%d) and indices %s rank >= batchDims",
                    operand, batchDims, indices);
        }
        List<Integer> out = new ArrayList<>();
        for (int a = 0; a < batchDims; a++) {
            if (operand.dim(a) != indices.dim(a)) {
                throw Checks.error(name(), "batch dimension %d differs: operand %s, indices %s", a, operand, indices);
            }
            out.add(operand.dim(a));
        }
        for (int a = batchDims; a < indices.rank(); a++) {
            out.add(indices.dim(a));
        }
        for (int a = batchDims + 1; a < operand.rank(); a++) {
            out.add(operand.dim(a));
        }
        return List.of(operand.withShape(out.stream().mapToInt(Integer::intValue).toArray()));
    }
}
