package io.ann4j.runtime.tpu.pjrt;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.passes.CompileOptions;
import io.ann4j.runtime.tpu.lowering.BucketPlan;
import io.ann4j.runtime.tpu.lowering.BucketedTopK;
import io.ann4j.runtime.tpu.lowering.TpuLowering;
import io.ann4j.runtime.tpu.stablehlo.StableHloEmitter;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Checks a real PJRT plugin end to end on the seed's MIPS program: loads it, creates a client,
 * compiles ann4j's StableHLO lowering, moves the data, runs, and judges the answer against exact
 * search (and, given one, against the CPU backend's answer for the same data).
 *
 * <pre>
 * java -cp ... io.ann4j.runtime.tpu.pjrt.PjrtCheck --plugin /path/xla_cuda_plugin.so [--platform cuda]
 *      [--options preallocate=false,memory_fraction=0.5]
 *      [--q 1024] [--n 100000] [--d 128] [--k 10] [--recall 0.95] [--seed 42] [--runs 10]
 *      [--db-dtype f32|bf16|f16] [--out DIR] [--reference DIR] [--write-inputs] [--try-tpu-lowering]
 *      [--lowering auto|tpu|bucketed|fallback] [--bucket-k auto|K] [--exact-from DIR]
 * java -cp ... io.ann4j.runtime.tpu.pjrt.PjrtCheck --cpu --out DIR [same shape options]
 * java -cp ... io.ann4j.runtime.tpu.pjrt.PjrtCheck --emit-only --platform tpu|cuda|cpu [shape options]
 * </pre>
 *
 * The data are rebuilt from {@code --seed} on any JVM ({@link MipsProblem}), so {@code --cpu} run
 * on one machine writes the CPU backend's indices ({@code cpu_indices.npy}) that {@code --reference}
 * compares with on another. {@code --out} receives the emitted module, the plugin's indices and
 * values, the exact indices and {@code check.json} (every figure; {@code --write-inputs} adds
 * {@code qy.npy} and {@code db.npy} for NumPy/JAX). The process exits with 1 when a check fails:
 * an index out of range, values not sorted, a value that is not the score at its index, or recall
 * under the target. With {@code --db-dtype bf16|f16} the database is stored and uploaded in that
 * type (rounded to nearest even, as JAX converts; the queries stay f32), the program is the half
 * lowering ({@code stablehlo.convert} of the database, then the f32 product), and the answer is
 * judged against exact search over the rounded database, which is what the program searches. No
 * test depends on a plugin: this is for the machines that have one.
 */
public final class PjrtCheck {
    private final Map<String, Object> report = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();

    private PjrtCheck() {}

    public static void main(String[] args) throws IOException {
        Options o = Options.parse(args);
        PjrtCheck check = new PjrtCheck();
        int status = o.emitOnly ? check.emit(o) : o.cpu ? check.cpu(o) : check.pjrt(o);
        System.exit(status);
    }

    /** Writes the module for {@code --platform} to {@code --out} and prints it; no plugin needed. */
    private int emit(Options o) throws IOException {
        String module = module(o.problem().graph(o.dbType), o);
        Files.writeString(o.out().resolve("mips_" + o.platform + ".mlir"), module);
        System.out.print(module);
        return 0;
    }

    /** The checked StableHLO lowering of {@code graph} for {@code platform}. */
    private static String module(Graph graph, Options o) {
        return switch (o.lowering()) {
            case TPU -> StableHloEmitter.emitChecked(graph, "mips", true);
            case FALLBACK -> StableHloEmitter.emitChecked(graph, "mips", false);
            case BUCKETED -> StableHloEmitter.emitChecked(BucketedTopK.rewrite(graph, o.bucketK()), "mips", false);
        };
    }

    /** The bucket plan of the problem's top-k under {@code o}, or null where none applies. */
    private static BucketPlan plan(Graph graph, Options o) {
        if (o.lowering() != TpuLowering.BUCKETED) {
            return null;
        }
        for (io.ann4j.compiler.ir.Node n : graph.nodes()) {
            if (n.op() instanceof io.ann4j.compiler.ops.ApproxTopK a) {
                return BucketedTopK.planFor(a, n.inputs().get(0).type(), o.bucketK());
            }
        }
        return null;
    }

    /** Writes the CPU backend's answer for the problem to {@code --out}. */
    private int cpu(Options o) throws IOException {
        MipsProblem p = o.problem();
        float[] db = o.searchedDatabase(p);
        float[] qy = p.queries();
        long t0 = System.nanoTime();
        CpuReference.Answer a = CpuReference.search(p, qy, db, o.dbType);
        log("cpu backend: searched in %.1f ms (first call, compile included)", (System.nanoTime() - t0) / 1e6);
        int[] exact = p.exactTopK(qy, db);
        log("cpu backend: recall %.4f against exact search", p.recallOf(a.indices(), exact));
        Path out = o.out();
        CheckArrays.write(out.resolve("cpu_indices.npy"), a.indices(), p.q(), p.k());
        CheckArrays.write(out.resolve("cpu_values.npy"), a.values(), p.q(), p.k());
        CheckArrays.write(out.resolve("exact_indices.npy"), exact, p.q(), p.k());
        log("wrote cpu_indices.npy, cpu_values.npy and exact_indices.npy to %s", out);
        return 0;
    }

    private int pjrt(Options o) throws IOException {
        MipsProblem p = o.problem();
        Path out = o.out();
        report.put("q", p.q());
        report.put("n", p.n());
        report.put("d", p.d());
        report.put("k", p.k());
        report.put("recall_target", p.recall());
        report.put("db_dtype", o.dbType.shortName());

        long t = System.nanoTime();
        PjrtPlugin plugin = PjrtPlugin.load(o.plugin);
        log("plugin: %s, PJRT_Api struct_size %d (ann4j needs %d)", plugin, plugin.apiStructSize(),
                PjrtFunction.requiredApiSize());
        report.put("pjrt_api", plugin.majorVersion() + "." + plugin.minorVersion());
        try (PjrtClient client = PjrtClient.create(plugin, o.clientOptions)) {
            report.put("client_options", o.clientOptions.toString());
            report.put("client_ms", ms(t));
            report.put("platform", client.platformName());
            report.put("platform_version", client.platformVersion());
            report.put("device", client.deviceKind());
            log("client: %s, platform version %s, device 0 is %s (%.0f ms)", client, report.get("platform_version"),
                    report.get("device"), report.get("client_ms"));

            Graph graph = p.graph(o.dbType);
            String module = module(graph, o);
            report.put("lowering", o.lowering().name().toLowerCase(Locale.ROOT));
            BucketPlan plan = plan(graph, o);
            if (plan != null) {
                report.put("buckets", plan.buckets());
                report.put("per_bucket", plan.perBucket());
                report.put("expected_recall", round6(plan.expectedRecall()));
                log("bucketed lowering: %d buckets of %d rows, top %d of each, expected recall %.4f", plan.buckets(),
                        p.n() / plan.buckets(), plan.perBucket(), plan.expectedRecall());
            }
            Files.writeString(out.resolve("mips_" + o.platform + ".mlir"), module);
            if (o.tryTpuLowering && !o.platform.equals("tpu")) {
                tryCompile(client, StableHloEmitter.emitChecked(graph, "mips", true), "the TPU lowering (no is_fallback)");
            }

            t = System.nanoTime();
            MemorySegment loaded = client.compile(module);
            report.put("compile_ms", ms(t));
            log("compiled the %s lowering in %.0f ms; %d output(s)", o.platform, report.get("compile_ms"),
                    client.numOutputs(loaded));

            float[] db = o.searchedDatabase(p);
            float[] qy = p.queries();
            if (o.writeInputs) {
                CheckArrays.write(out.resolve("db.npy"), db, p.n(), p.d());
                CheckArrays.write(out.resolve("qy.npy"), qy, p.q(), p.d());
            }
            float[] values = new float[p.q() * p.k()];
            int[] indices = new int[p.q() * p.k()];
            try (Arena arena = Arena.ofShared()) {
                MemorySegment qyHost = arena.allocate((long) qy.length * 4, 64).copyFrom(MemorySegment.ofArray(qy));
                MemorySegment dbHost = o.dbType == DType.F32
                        ? arena.allocate((long) db.length * 4, 64).copyFrom(MemorySegment.ofArray(db))
                        : arena.allocate((long) db.length * 2, 64)
                                .copyFrom(MemorySegment.ofArray(MipsProblem.halfBits(db, o.dbType)));
                MemorySegment valuesHost = arena.allocate((long) values.length * 4, 64);
                MemorySegment indicesHost = arena.allocate((long) indices.length * 4, 64);
                double[] callMs = new double[o.runs];
                double[] executeMs = new double[o.runs];
                for (int r = 0; r < o.runs; r++) {
                    // the whole call as PjrtExecutable makes it: upload both inputs, run, download both outputs
                    long c0 = System.nanoTime();
                    MemorySegment[] inputs = {
                        client.upload(qyHost, DType.F32, new long[] {p.q(), p.d()}),
                        client.upload(dbHost, o.dbType, new long[] {p.n(), p.d()})};
                    long e0 = System.nanoTime();
                    MemorySegment[] outputs = client.execute(loaded, inputs, 2);
                    executeMs[r] = ms(e0);
                    client.download(outputs[0], valuesHost);
                    client.download(outputs[1], indicesHost);
                    callMs[r] = ms(c0);
                    for (MemorySegment b : inputs) {
                        client.destroyBuffer(b);
                    }
                    for (MemorySegment b : outputs) {
                        client.destroyBuffer(b);
                    }
                }
                MemorySegment.copy(valuesHost, ValueLayout.JAVA_FLOAT, 0, values, 0, values.length);
                MemorySegment.copy(indicesHost, ValueLayout.JAVA_INT, 0, indices, 0, indices.length);
                report.put("first_call_ms", callMs[0]);
                report.put("call_ms", median(callMs));
                report.put("execute_ms", median(executeMs));
                log("ran %d times: first call %.1f ms; median call %.1f ms (upload %.1f MB, run, download); "
                        + "median execute %.2f ms (queued until its completion event)", o.runs, callMs[0],
                        report.get("call_ms"), (qy.length * 4 + db.length * (long) o.dbType.byteSize()) / 1e6,
                        report.get("execute_ms"));
            } finally {
                client.destroyExecutable(loaded);
            }
            CheckArrays.write(out.resolve("pjrt_indices.npy"), indices, p.q(), p.k());
            CheckArrays.write(out.resolve("pjrt_values.npy"), values, p.q(), p.k());
            judge(p, qy, db, values, indices, o, out);
        }
        report.put("failures", failures);
        String json = toJson(report);
        Files.writeString(out.resolve("check.json"), json + "\n");
        System.out.println(json);
        if (failures.isEmpty()) {
            log("PASS: the plugin runs ann4j's lowering and its answer holds");
            return 0;
        }
        log("FAIL: %s", String.join("; ", failures));
        return 1;
    }

    /** Compiles a variant only to report what the plugin says of it (e.g. the TPU lowering on a GPU). */
    private void tryCompile(PjrtClient client, String module, String what) {
        try {
            client.destroyExecutable(client.compile(module));
            log("%s: the plugin compiles it too", what);
            report.put("tpu_lowering", "compiles");
        } catch (PjrtException e) {
            log("%s: refused, as a PjrtException: %s", what, e.getMessage());
            report.put("tpu_lowering", e.getMessage());
        }
    }

    private void judge(MipsProblem p, float[] qy, float[] db, float[] values, int[] indices, Options o, Path out)
            throws IOException {
        double worst = 0; // the largest |value - exact score| in units of the score's magnitude
        for (int query = 0; query < p.q(); query++) {
            for (int j = 0; j < p.k(); j++) {
                int at = query * p.k() + j;
                int row = indices[at];
                if (row < 0 || row >= p.n()) {
                    failures.add("query " + query + " result " + j + " has index " + row + ", outside [0, " + p.n() + ")");
                    return;
                }
                if (j > 0 && values[at] > values[at - 1]) {
                    failures.add("query " + query + " values are not sorted at result " + j);
                }
                double error = Math.abs(values[at] - MipsProblem.score(qy, db, p.d(), query, row))
                        / MipsProblem.magnitude(qy, db, p.d(), query, row);
                worst = Math.max(worst, error);
            }
        }
        report.put("value_error", worst);
        // 2^-8 of the magnitude admits reduced-precision products (TF32 keeps 10 mantissa bits)
        if (!(worst <= 0x1p-8)) {
            failures.add("a returned value differs from the score at its index by " + worst + " of its magnitude");
        }
        // the exact answer of the same seeded problem, computed by an earlier run (--exact-from), else here
        Path earlier = o.exactFrom() == null ? null : o.exactFrom().resolve("exact_indices.npy");
        int[] exact = earlier != null && Files.exists(earlier) ? CheckArrays.readInts(earlier, p.q(), p.k()) : p.exactTopK(qy, db);
        CheckArrays.write(out.resolve("exact_indices.npy"), exact, p.q(), p.k());
        double recall = p.recallOf(indices, exact);
        report.put("recall", recall);
        log("values match the scores at their indices (worst error %.2e of the magnitude); recall %.4f against exact"
                + " search (target %.2f)", worst, recall, p.recall());
        // a recall target is an expectation: the bucketed plans reach it on average, so a sample
        // of q * k neighbours may fall short by its sampling error (three standard errors admitted)
        double slack = 3 * Math.sqrt(p.recall() * (1 - p.recall()) / ((double) p.q() * p.k()));
        if (recall < p.recall() - slack) {
            failures.add("recall " + recall + " is under the target " + p.recall() + " by more than the sampling error " + slack);
        }
        if (o.reference != null) {
            int[] cpu = CheckArrays.readInts(o.reference.resolve("cpu_indices.npy"), p.q(), p.k());
            double cpuRecall = p.recallOf(cpu, exact);
            double agreement = p.recallOf(indices, cpu); // share of the CPU backend's results the plugin returned too
            long identicalRows = java.util.stream.IntStream.range(0, p.q()).filter(query -> Arrays.equals(indices,
                    query * p.k(), (query + 1) * p.k(), cpu, query * p.k(), (query + 1) * p.k())).count();
            report.put("cpu_recall", round6(cpuRecall));
            report.put("agreement_with_cpu", round6(agreement));
            report.put("identical_rows_with_cpu", identicalRows);
            log("cpu backend (same data, from %s): recall %.4f; the plugin returned %.4f of its results; %d of %d"
                    + " queries identical", o.reference, cpuRecall, agreement, identicalRows, p.q());
        }
    }

    private static double round6(double v) {
        return Math.round(v * 1e6) / 1e6;
    }

    private static double ms(long since) {
        return (System.nanoTime() - since) / 1e6;
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static void log(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
        System.out.flush();
    }

    static String toJson(Map<String, Object> map) {
        return map.entrySet().stream().map(e -> "\"" + e.getKey() + "\": " + jsonValue(e.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
    }

    private static String jsonValue(Object v) {
        if (v instanceof Number) {
            return v.toString();
        }
        if (v instanceof List<?> list) {
            return list.stream().map(PjrtCheck::jsonValue).collect(Collectors.joining(", ", "[", "]"));
        }
        String s = String.valueOf(v).replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
        return "\"" + s + "\"";
    }

    /** The command line. */
    private record Options(Path plugin, String platform, List<PjrtOption> clientOptions, boolean cpu, boolean emitOnly,
                           int q, int n, int d, int k, float recall, DType dbType,
                           long seed, int runs, Path outDir, Path reference, boolean writeInputs,
                           boolean tryTpuLowering, TpuLowering lowering, int bucketK, Path exactFrom) {
        static Options parse(String[] args) {
            Map<String, String> values = new LinkedHashMap<>();
            List<String> flags = List.of("--cpu", "--emit-only", "--write-inputs", "--try-tpu-lowering");
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (flags.contains(a)) {
                    values.put(a, "true");
                } else if (a.startsWith("--") && i + 1 < args.length) {
                    values.put(a, args[++i]);
                } else {
                    throw new IllegalArgumentException("PjrtCheck: unknown or incomplete argument " + a
                            + "; see the class's Javadoc for usage");
                }
            }
            boolean cpu = values.containsKey("--cpu");
            boolean emitOnly = values.containsKey("--emit-only");
            String plugin = values.get("--plugin");
            if (!cpu && !emitOnly && plugin == null) {
                throw new IllegalArgumentException("PjrtCheck: --plugin PATH (a PJRT plugin), --cpu or --emit-only is required");
            }
            Path pluginPath = plugin == null ? null : Path.of(plugin);
            String platform = values.getOrDefault("--platform",
                    pluginPath == null ? "cpu" : PjrtConfig.guessPlatform(pluginPath));
            List<PjrtOption> clientOptions = values.containsKey("--options")
                    ? PjrtOption.parseList(values.get("--options")) : List.of();
            return new Options(pluginPath, platform, clientOptions, cpu, emitOnly, integer(values, "--q", 1024),
                    integer(values, "--n", 100_000),
                    integer(values, "--d", 128), integer(values, "--k", 10),
                    Float.parseFloat(values.getOrDefault("--recall", "0.95")), dbType(values.getOrDefault("--db-dtype", "f32")),
                    Long.parseLong(values.getOrDefault("--seed", "42")), integer(values, "--runs", 10),
                    Path.of(values.getOrDefault("--out", "pjrt-check")),
                    values.containsKey("--reference") ? Path.of(values.get("--reference")) : null,
                    values.containsKey("--write-inputs"), values.containsKey("--try-tpu-lowering"),
                    TpuLowering.of(new CompileOptions(true, Map.of(TpuLowering.OPTION, values.getOrDefault("--lowering", "auto"))),
                            platform.equals("tpu")),
                    TpuLowering.bucketK(new CompileOptions(true, Map.of(TpuLowering.BUCKET_K, values.getOrDefault("--bucket-k", "auto")))),
                    values.containsKey("--exact-from") ? Path.of(values.get("--exact-from")) : null);
        }

        private static DType dbType(String name) {
            return switch (name) {
                case "f32" -> DType.F32;
                case "bf16" -> DType.BF16;
                case "f16" -> DType.F16;
                default -> throw new IllegalArgumentException("PjrtCheck: --db-dtype must be f32, bf16 or f16, got '"
                        + name + "'");
            };
        }

        /**
         * The database as the program searches it: the seeded f32 draws, or those rounded to the
         * half type (the values its stored elements widen to).
         */
        float[] searchedDatabase(MipsProblem p) {
            float[] db = p.database();
            return dbType == DType.F32 ? db : MipsProblem.widen(MipsProblem.halfBits(db, dbType), dbType);
        }

        private static int integer(Map<String, String> values, String name, int fallback) {
            return Integer.parseInt(values.getOrDefault(name, Integer.toString(fallback)).replace("_", ""));
        }

        MipsProblem problem() {
            return new MipsProblem(q, n, d, k, recall, seed);
        }

        Path out() throws IOException {
            return Files.createDirectories(outDir);
        }
    }
}
