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
    private static final ThreadLocal<Deque<Trace>> ACTIVE = new ThreadLocal<>() { // not withInitial: see add
        @Override
        protected Deque<Trace> initialValue() {
            return new ArrayDeque<>();
        }
    };

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

    // Loops rather than streams: every op of a process's first trace comes through here, and each
    // lambda's first use costs a linkage (~0.3 ms in a cold JVM).
    List<Tensor> add(Op op, List<Tensor> inputs) {
        List<Value> ins = new java.util.ArrayList<>(inputs.size());
        for (Tensor t : inputs) {
            ins.add(t.valueIn(this));
        }
        List<Value> outs = builder.add(op, ins);
        List<Tensor> out = new java.util.ArrayList<>(outs.size());
        for (Value v : outs) {
            out.add(Tensor.symbolic(this, v));
        }
        return java.util.Collections.unmodifiableList(out);
    }
}
