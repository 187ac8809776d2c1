package io.ann4j.runtime.cpu;

import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.passes.CompileOptions;
import io.ann4j.compiler.spi.Backend;
import io.ann4j.compiler.spi.Executable;
import io.ann4j.runtime.cpu.kernel.Kernels;
import io.ann4j.runtime.cpu.search.SearchOptions;

/**
 * The CPU backend: ND4J (OpenBLAS) for dense ops, tiled gemm with generated Vector API epilogues
 * for fused searches. Options: {@code cpu.selection} = {@code threshold} (default, exact) or
 * {@code bins} (the TPU's algorithm); {@code cpu.halfCandidates} = {@code auto} (default) or the
 * number of candidates per query that a search over a bf16 or f16 database re-ranks in f32
 * (see {@link io.ann4j.runtime.cpu.search.HalfSearch}); {@code cpu.product} = {@code auto}
 * (default: approximate f32 searches score with int8 products and re-rank exactly where the CPU has
 * VNNI), {@code int8} or {@code f32}; {@code cpu.int8Candidates} = {@code auto} or a count;
 * {@code cpu.int8Scaling} = {@code row} or {@code dimension-row} (see {@link SearchOptions} and
 * {@link io.ann4j.runtime.cpu.search.Int8Search}).
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

    /** Logical devices on the cores ({@code ann4j.cpu.devices}); each pmap device searches on its share. */
    @Override
    public io.ann4j.compiler.spi.DeviceSet devices() {
        return io.ann4j.runtime.cpu.search.CpuDevices.DEVICES;
    }

    @Override
    public java.util.List<io.ann4j.compiler.spi.BackendOption> options() {
        return io.ann4j.runtime.cpu.search.SearchOptions.ALL;
    }

    /**
     * The total order; {@code cpu.selection=threshold} (the default) returns exact top-k, {@code
     * bins} runs the TPU's partial reduction.
     */
    @Override
    public io.ann4j.compiler.spi.Capabilities capabilities() {
        return new io.ann4j.compiler.spi.Capabilities(true, java.util.List.of(
                new io.ann4j.compiler.spi.Capabilities.Configuration("threshold",
                        java.util.Map.of(io.ann4j.runtime.cpu.search.SelectionPlan.OPTION, "threshold"), true),
                new io.ann4j.compiler.spi.Capabilities.Configuration("bins",
                        java.util.Map.of(io.ann4j.runtime.cpu.search.SelectionPlan.OPTION, "bins"), false)));
    }

    @Override
    public Executable compile(Graph graph, CompileOptions options) {
        return new CpuExecutable(graph, SearchOptions.of(options));
    }
}
