package io.ann4j.runtime.tpu;

import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.passes.CompileOptions;
import io.ann4j.compiler.spi.Backend;
import io.ann4j.compiler.spi.Executable;
import io.ann4j.runtime.tpu.emulator.Emulator;
import io.ann4j.runtime.tpu.stablehlo.StableHloChecker;
import io.ann4j.runtime.tpu.stablehlo.StableHloEmitter;
import java.util.List;

/**
 * The TPU backend: lowers each graph to StableHLO as JAX would for a TPU and runs it in the
 * emulator of the TPU algorithm ({@link Emulator}). This build has no PJRT runner, so programs
 * never leave the CPU; the emulator makes the TPU's semantics (bins, comparator, output shapes)
 * testable anywhere. Pick it with {@code JitConfig.defaults().backend("tpu")}.
 */
public final class TpuBackend implements Backend {
    public static final String NAME = "tpu";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Executable compile(Graph graph, CompileOptions options) {
        String module = StableHloEmitter.emit(graph, "main", true);
        List<String> problems = StableHloChecker.check(module);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("ann4j emitted a malformed StableHLO module (a bug): " + problems + "\n" + module);
        }
        return Emulator.executable(graph, module);
    }
}
