package io.ann4j.spark;

import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.passes.CompileOptions;
import io.ann4j.compiler.passes.Pipeline;
import io.ann4j.compiler.spi.Backends;
import io.ann4j.compiler.spi.Executable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The executor side: each JVM compiles a shipped graph once (optimisation passes, then the
 * backend the index names, else this JVM's default) and keeps the executable, keyed by the
 * backend, the graph's canonical text and the compile options.
 * Thread-safe; concurrent tasks with one graph compile it once.
 */
final class ExecutableCache {
    private static final Map<String, Executable> CACHE = new ConcurrentHashMap<>();
    private static final AtomicInteger COMPILES = new AtomicInteger();

    private ExecutableCache() {}

    static Executable get(Graph graph, String backendName, boolean fuse, Map<String, String> backendOptions) {
        String name = Backends.nameOrDefault(backendName);
        String key = name + " " + fuse + " " + new java.util.TreeMap<>(backendOptions) + "\n" + graph;
        return CACHE.computeIfAbsent(key, ignored -> {
            COMPILES.incrementAndGet();
            CompileOptions options = new CompileOptions(fuse, backendOptions);
            io.ann4j.compiler.spi.Backend backend = Backends.get(name);
            io.ann4j.compiler.spi.BackendOptions.check(backend, options);
            return backend.compile(Pipeline.optimize(graph, options), options);
        });
    }

    /** How many graphs this JVM has compiled for searches. */
    static int compileCount() {
        return COMPILES.get();
    }
}
