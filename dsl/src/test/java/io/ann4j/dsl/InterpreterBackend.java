package io.ann4j.dsl;

import io.ann4j.compiler.interpret.Interpreter;
import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.passes.CompileOptions;
import io.ann4j.compiler.spi.Backend;
import io.ann4j.compiler.spi.BackendProvider;
import io.ann4j.compiler.spi.Executable;

/**
 * The dsl's own tests run on the compiler's interpreter, registered here as a backend of the test
 * class path: the dsl names no backend module, and every backend module runs the conformance kit,
 * which depends on the dsl (so the dsl's tests cannot depend on them).
 */
public final class InterpreterBackend implements BackendProvider, Backend {
    @Override
    public String name() {
        return "interpreter";
    }

    @Override
    public int rank() {
        return 1;
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public Backend create() {
        return this;
    }

    @Override
    public Executable compile(Graph graph, CompileOptions options) {
        return Interpreter.of(graph);
    }
}
