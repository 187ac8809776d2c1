package io.ann4j.dsl;

import io.ann4j.compiler.ops.Op;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Runs one op on concrete tensors by jitting it alone (cached per op record). */
final class Eager {
    private static final Map<Op, Jitted<List<Tensor>>> CACHE = new ConcurrentHashMap<>();

    private Eager() {}

    static List<Tensor> run(Op op, Tensor[] inputs) {
        Jitted<List<Tensor>> f = CACHE.computeIfAbsent(op, o -> Jit.jitVarargs(args -> Ops.apply(o, args),
                JitConfig.defaults()));
        return f.call((Object[]) inputs);
    }
}
