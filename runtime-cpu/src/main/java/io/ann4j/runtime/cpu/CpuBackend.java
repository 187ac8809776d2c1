package io.ann4j.runtime.cpu;

import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.passes.CompileOptions;
import io.ann4j.compiler.spi.Backend;
import io.ann4j.compiler.spi.Executable;
import io.ann4j.runtime.cpu.kernel.Kernels;
import io.ann4j.runtime.cpu.search.SelectionPlan;

/**
 * The CPU backend: ND4J (OpenBLAS) for dense ops, tiled gemm with generated Vector API epilogues
 * for fused searches. Options: {@code cpu.selection} = {@code threshold} (default, exact) or
 * {@code bins} (the TPU's algorithm); {@code cpu.halfCandidates} = {@code auto} (default) or the
 * number of candidates per query that a search over a bf16 or f16 database re-ranks in f32
 * (see {@link io.ann4j.runtime.cpu.search.HalfSearch}).
 */
public final class CpuBackend implements Backend {
    public static final String NAME = "cpu";

    @Override
    public String name() {
        return NAME;
    }

    /** The seed's kernel from the cache, then the kernels' Vector API operations once ({@link Kernels#prewarm}). */
    @Override
    public void prewarm() {
        Kernels.prewarm();
    }

    @Override
    public Executable compile(Graph graph, CompileOptions options) {
        String selection = options.option(SelectionPlan.OPTION, "threshold");
        if (!selection.equals("threshold") && !selection.equals("bins")) {
            throw new IllegalArgumentException(SelectionPlan.OPTION + " must be 'threshold' or 'bins', got '" + selection + "'");
        }
        String candidates = options.option(io.ann4j.runtime.cpu.search.HalfSearch.CANDIDATES_OPTION, "auto");
        if (!candidates.equals("auto") && !candidates.matches("\\d{1,9}")) {
            throw new IllegalArgumentException(io.ann4j.runtime.cpu.search.HalfSearch.CANDIDATES_OPTION
                    + " must be 'auto' or a number of candidates per query, got '" + candidates + "'");
        }
        return new CpuExecutable(graph, selection, candidates);
    }
}
