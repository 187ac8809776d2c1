package io.ann4j.runtime.tpu;

import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.passes.CompileOptions;
import io.ann4j.compiler.spi.Backend;
import io.ann4j.compiler.spi.Executable;
import io.ann4j.runtime.tpu.emulator.Emulator;
import io.ann4j.runtime.tpu.pjrt.PjrtClient;
import io.ann4j.runtime.tpu.pjrt.PjrtConfig;
import io.ann4j.runtime.tpu.pjrt.PjrtExecutable;
import io.ann4j.runtime.tpu.pjrt.PjrtPlugin;
import io.ann4j.runtime.tpu.lowering.BucketedTopK;
import io.ann4j.runtime.tpu.lowering.TpuLowering;
import io.ann4j.runtime.tpu.stablehlo.StableHloEmitter;
import java.util.Optional;

/**
 * The TPU backend: lowers each graph to StableHLO as JAX would, then runs it one of two ways.
 *
 * <ul>
 *   <li><b>PJRT</b>, when a plugin is configured ({@code -Dann4j.pjrt.plugin=/path/libtpu.so} or
 *       {@code ANN4J_PJRT_PLUGIN}; see {@link PjrtConfig}): the module is compiled and run by the
 *       plugin through the PJRT C API ({@link PjrtClient}), on its device 0. {@code
 *       ann4j.pjrt.platform} ({@code tpu}, {@code cuda}, {@code cpu}) picks the lowering: the
 *       TPU's {@code ApproxTopK}, or with {@code is_fallback = true} elsewhere; {@code
 *       ann4j.pjrt.options} passes options to the plugin's client (e.g. {@code
 *       preallocate=false}). One client per
 *       process serves every backend instance; a plugin that fails to load fails the compile with
 *       a {@link io.ann4j.runtime.tpu.pjrt.PjrtException} (no silent fallback).
 *   <li><b>Emulator</b>, when no plugin is configured: the TPU lowering runs on the CPU in the
 *       emulator of the TPU algorithm ({@link Emulator}), so the TPU's semantics (bins,
 *       comparator, output shapes) are testable anywhere.
 * </ul>
 *
 * The path taken is logged once at INFO ({@code System.Logger} "io.ann4j.runtime.tpu.TpuBackend").
 * Pick this backend with {@code JitConfig.defaults().backend("tpu")}.
 */
public final class TpuBackend implements Backend {
    public static final String NAME = "tpu";

    private static final System.Logger LOG = System.getLogger(TpuBackend.class.getName());

    /** The process's PJRT client, made on first use (a TPU admits one client per process). */
    private static final class Shared {
        private static PjrtClient client;
        private static PjrtConfig config;
        private static boolean loggedEmulator;

        static synchronized PjrtClient client(PjrtConfig c) {
            if (client == null || !c.equals(config)) {
                PjrtClient made = PjrtClient.create(PjrtPlugin.load(c.plugin()), c.clientOptions());
                if (client != null) {
                    client.close();
                }
                client = made;
                config = c;
                LOG.log(System.Logger.Level.INFO, "ann4j tpu backend: running through PJRT, {0}, lowering for {1}, client"
                        + " options {2}", made, c.platform(), c.clientOptions());
            }
            return client;
        }

        static synchronized void logEmulator() {
            if (!loggedEmulator) {
                loggedEmulator = true;
                LOG.log(System.Logger.Level.INFO, "ann4j tpu backend: no PJRT plugin configured (-D"
                        + PjrtConfig.PLUGIN_PROPERTY + " or " + PjrtConfig.PLUGIN_ENV
                        + "); running the TPU lowering in the emulator on the CPU");
            }
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * JAX's emitted comparator, not the total order: a plain GT or LT, under which NaN and ties
     * are unordered, as a TPU runs it. Approximate top-k is the TPU's algorithm (not exact) by
     * default, or the bucketed lowering for GPUs ({@link TpuLowering}), or XLA's exact fallback.
     */
    @Override
    public io.ann4j.compiler.spi.Capabilities capabilities() {
        return new io.ann4j.compiler.spi.Capabilities(false, java.util.List.of(
                new io.ann4j.compiler.spi.Capabilities.Configuration("default", java.util.Map.of(), false),
                new io.ann4j.compiler.spi.Capabilities.Configuration("bucketed",
                        java.util.Map.of(TpuLowering.OPTION, "bucketed"), false, true)));
    }

    @Override
    public java.util.List<io.ann4j.compiler.spi.BackendOption> options() {
        return TpuLowering.options();
    }

    /**
     * Lowers as {@link TpuLowering} says: the bucketed lowering rewrites the graph first
     * ({@link BucketedTopK}), and the executable runs the rewritten graph (the emulator op by op,
     * PJRT its module); the others emit the graph as it is, with or without {@code is_fallback}.
     */
    @Override
    public Executable compile(Graph graph, CompileOptions options) {
        Optional<PjrtConfig> pjrt = PjrtConfig.fromEnvironment();
        TpuLowering lowering = TpuLowering.of(options, pjrt.map(PjrtConfig::tpu).orElse(true));
        Graph lowered = lowering == TpuLowering.BUCKETED ? BucketedTopK.rewrite(graph, TpuLowering.bucketK(options)) : graph;
        String module = StableHloEmitter.emitChecked(lowered, "main", lowering == TpuLowering.TPU);
        if (pjrt.isPresent()) {
            return PjrtExecutable.compile(Shared.client(pjrt.get()), lowered, module);
        }
        Shared.logEmulator();
        return Emulator.executable(lowered, module, lowering != TpuLowering.TPU);
    }
}
