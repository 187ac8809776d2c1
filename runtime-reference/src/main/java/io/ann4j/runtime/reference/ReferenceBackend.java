package io.ann4j.runtime.reference;

import io.ann4j.compiler.interpret.Interpreter;
import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.passes.CompileOptions;
import io.ann4j.compiler.spi.Backend;
import io.ann4j.compiler.spi.Executable;

/**
 * The reference backend ({@code -Dann4j.backend=reference}): the compiler's plain-Java
 * {@link Interpreter}, offered as a backend. It defines what every op means in the fewest lines:
 * elementwise math in double rounded once to the dtype, sums in double, every top-k exact in the
 * total order. It is slow (one element at a time) and is for checking other backends and for
 * running anywhere; it is the worked example of the SPI (README, "Writing a backend"). It
 * declares no options, the total order, and exact top-k.
 */
public final class ReferenceBackend implements Backend {
    public static final String NAME = "reference";

    @Override
    public String name() {
        return NAME;
    }

    /** The total order, and every top-k exact. */
    @Override
    public io.ann4j.compiler.spi.Capabilities capabilities() {
        return new io.ann4j.compiler.spi.Capabilities(true, java.util.List.of(
                new io.ann4j.compiler.spi.Capabilities.Configuration("exact", java.util.Map.of(), true)));
    }

    @Override
    public Executable compile(Graph graph, CompileOptions options) {
        return Interpreter.of(graph);
    }
}
