package io.ann4j.dsl;

import io.ann4j.compiler.ops.Op;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one op on concrete tensors by jitting it alone, cached per op record. The cache is bounded
 * (least recently used first out): ops that carry values, such as each distinct eager constant,
 * would otherwise add a compiled entry each, forever. The backend is the default as it is at each
 * call ({@link Jitted} re-reads {@code -Dann4j.backend}).
 */
final class Eager {
    /** Distinct eager ops kept compiled. */
    static final int CAPACITY = 256;

    private static final Map<Op, Jitted<List<Tensor>>> CACHE = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Op, Jitted<List<Tensor>>> eldest) {
            return size() > CAPACITY;
        }
    };

    private Eager() {}

    static List<Tensor> run(Op op, Tensor[] inputs) {
        Jitted<List<Tensor>> f;
        synchronized (CACHE) {
            f = CACHE.computeIfAbsent(op, o -> Jit.jitVarargs(args -> Ops.apply(o, args), JitConfig.defaults()));
        }
        return f.call((Object[]) inputs);
    }

    /** Entries cached now (for tests). */
    static int size() {
        synchronized (CACHE) {
            return CACHE.size();
        }
    }
}
