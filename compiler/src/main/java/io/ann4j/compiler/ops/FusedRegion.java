package io.ann4j.compiler.ops;

import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.ir.TensorType;
import java.util.List;

/**
 * A region made by the fusion pass: a dot, the elementwise ops after it and the reduction that
 * ends it, to run as one pass that never materialises the dot's result. The body is an ordinary
 * graph whose parameters are the region's inputs; backends that cannot fuse run it as it is.
 */
public record FusedRegion(Graph body) implements Op {

    @Override
    public String name() {
        return "fusedRegion";
    }

    @Override
    public List<TensorType> inferTypes(List<TensorType> inputs) {
        if (!inputs.equals(body.parameterTypes())) {
            throw Checks.error(name(), "inputs %s do not match the region's parameters %s", inputs, body.parameterTypes());
        }
        return body.resultTypes();
    }
}
