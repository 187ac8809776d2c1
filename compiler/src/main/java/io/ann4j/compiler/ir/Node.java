package io.ann4j.compiler.ir;

import io.ann4j.compiler.ops.Op;
import java.util.List;

/**
 * One application of an op: the op record (its static parameters), the values it reads and the
 * values it defines.
 */
public record Node(Op op, List<Value> inputs, List<Value> outputs) implements java.io.Serializable {
    public Node {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    public Value output() {
        if (outputs.size() != 1) {
            throw new IllegalStateException(op.name() + " has " + outputs.size() + " outputs");
        }
        return outputs.get(0);
    }
}
