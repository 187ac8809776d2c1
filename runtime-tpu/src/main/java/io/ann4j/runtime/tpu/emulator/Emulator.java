package io.ann4j.runtime.tpu.emulator;

import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.spi.Executable;

/** Entry point of the emulator: an executable for a graph and its StableHLO module. */
public final class Emulator {
    private Emulator() {}

    /** The TPU's lowering: {@code ApproxTopK} runs the TPU's algorithm. */
    public static Executable executable(Graph graph, String module) {
        return new EmulatorExecutable(graph, module, false);
    }

    /**
     * @param fallback whether {@code ApproxTopK} is XLA's exact fallback (CPU and GPU platforms)
     *                 rather than the TPU's algorithm
     */
    public static Executable executable(Graph graph, String module, boolean fallback) {
        return new EmulatorExecutable(graph, module, fallback);
    }
}
