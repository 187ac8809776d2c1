package io.ann4j.dsl;

import io.ann4j.compiler.ir.GraphBuilder;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.ir.Value;
import io.ann4j.compiler.ops.Op;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * One tracing of a user function: the graph being recorded. Symbolic tensors point to their
 * trace; ops without tensor inputs ({@code iota}, constants) use the innermost active trace of
 * the calling thread.
 */
final class Trace {
    private static final ThreadLocal<Deque<Trace>> ACTIVE = ThreadLocal.withInitial(ArrayDeque::new);

    final GraphBuilder builder = new GraphBuilder();

    static Trace current() {
        return ACTIVE.get().peek();
    }

    void enter() {
        ACTIVE.get().push(this);
    }

    void exit() {
        ACTIVE.get().pop();
    }

    Tensor parameter(TensorType type) {
        return Tensor.symbolic(this, builder.parameter(type));
    }

    List<Tensor> add(Op op, List<Tensor> inputs) {
        List<Value> ins = inputs.stream().map(t -> t.valueIn(this)).toList();
        return builder.add(op, ins).stream().map(v -> Tensor.symbolic(this, v)).toList();
    }
}
