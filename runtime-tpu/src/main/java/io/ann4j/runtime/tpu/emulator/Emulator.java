package io.ann4j.runtime.tpu.emulator;

import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.spi.Executable;

/** Entry point of the emulator: an executable for a graph and its StableHLO module. */
public final class Emulator {
    private Emulator() {}

    public static Executable executable(Graph graph, String module) {
        return new EmulatorExecutable(graph, module);
    }
}
