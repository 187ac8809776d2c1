package io.ann4j.bench;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.dsl.Jitted;
import io.ann4j.dsl.TopK;
import io.ann4j.runtime.cpu.kernel.Kernels;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The cost of a first call, measured in fresh JVMs: the bench (parent side, {@link #measure})
 * starts children that run {@link #main}, which times the first call of a jitted search (trace,
 * passes, kernel generated and compiled or loaded from a cache, then the run), with ND4J already
 * loaded (making the inputs loads it), and prints {@code compile_ms first_call_ms compiles
 * disk_hits}. Compile is the trace, the passes and the kernel; the first call adds its run on a
 * JVM whose JIT has not warmed up (the Vector API runs interpreted until C2 compiles it).
 */
public final class CompileCost {
    private static final int REPEATS = 5;

    private CompileCost() {}

    public static void main(String[] args) {
        INDArray db = Nd4j.rand(DataType.FLOAT, 10_000, 128);
        INDArray qy = Nd4j.rand(DataType.FLOAT, 16, 128);
        Jitted<TopK> mips = Programs.approx("ip", 10, 0.95, "threshold");
        long t0 = System.nanoTime();
        mips.optimizedGraph(List.of(TensorType.of(DType.F32, 16, 128), TensorType.of(DType.F32, 10_000, 128)));
        double compile = (System.nanoTime() - t0) / 1e6;
        mips.call(qy, db);
        double first = (System.nanoTime() - t0) / 1e6;
        System.out.printf(Locale.ROOT, "%.1f %.1f %d %d%n", compile, first, Kernels.cache().compiles(),
                Kernels.cache().diskHits());
    }

    /**
     * Prints the table and returns its row: kernels bundled in the jar; an empty persistent cache
     * (javac runs); a second JVM on the cache the first filled; and the same with the JDK's AOT
     * cache (JEP 483: classes loaded and linked ahead of time), which needs a classpath of jars.
     * Warm cases are the median of {@value #REPEATS} JVMs.
     */
    static Row measure(PrintStream out) throws IOException {
        Path dir = Files.createTempDirectory("ann4j-kernel-cache");
        double[] bundled = median(dir, true, List.of());
        double[] cold = child(dir, false, List.of());
        double[] warm = median(dir, false, List.of());
        double[] aot = null;
        String aotWhy = "the classpath has directories (the JDK archives jars only)";
        if (Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator)).allMatch(p -> p.endsWith(".jar"))) {
            Path archive = dir.resolve("ann4j.aot");
            child(dir, false, List.of("-XX:AOTCacheOutput=" + archive)); // the training run
            aot = Files.isRegularFile(archive) ? median(dir, false, List.of("-XX:AOTCache=" + archive)) : null;
            aotWhy = "the JDK did not write the archive";
        }
        out.println();
        if (bundled == null || cold == null || warm == null) {
            out.println("compile cost: a child JVM failed");
            return null;
        }
        out.println("compile cost, fresh JVMs, Q=16 N=10000 (compile = trace + passes + kernel; first call adds a run on a cold JVM;");
        out.println("  warm cases are medians of " + REPEATS + " JVMs):");
        line(out, "kernels bundled with the build:", bundled);
        line(out, "empty persistent cache (javac):", cold);
        line(out, "second JVM, same persistent cache:", warm);
        if (aot != null) {
            line(out, "the same, with the JDK's AOT cache:", aot);
        } else {
            out.println("  the same, with the JDK's AOT cache:  not measured: " + aotWhy);
        }
        return new Row().put("op", "compile").put("compile_ms", bundled[0]).put("first_call_ms", bundled[1])
                .put("javac_compile_ms", cold[0]).put("javac_first_call_ms", cold[1])
                .put("cached_compile_ms", warm[0]).put("cached_first_call_ms", warm[1])
                .put("aot_cached_compile_ms", aot == null ? null : aot[0])
                .put("aot_cached_first_call_ms", aot == null ? null : aot[1]);
    }

    private static void line(PrintStream out, String what, double[] v) {
        out.printf(Locale.ROOT, "  %-37s compile %7.1f ms, first call %7.1f ms (%d compiled, %d loaded)%n", what, v[0], v[1],
                (int) v[2], (int) v[3]);
    }

    /** Per column, the median over {@value #REPEATS} children; null if any failed. */
    private static double[] median(Path cacheDir, boolean bundled, List<String> extra) {
        List<double[]> runs = new ArrayList<>();
        for (int i = 0; i < REPEATS; i++) {
            double[] r = child(cacheDir, bundled, extra);
            if (r == null) {
                return null;
            }
            runs.add(r);
        }
        double[] m = new double[4];
        for (int c = 0; c < 4; c++) {
            final int col = c;
            double[] v = runs.stream().mapToDouble(r -> r[col]).sorted().toArray();
            m[c] = v[v.length / 2];
        }
        return m;
    }

    private static double[] child(Path cacheDir, boolean bundled, List<String> extra) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-Dorg.bytedeco.javacpp.logger=slf4j", "-Dann4j.cache.dir=" + cacheDir,
                "-Dann4j.cache.bundled=" + bundled));
        cmd.addAll(extra);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), CompileCost.class.getName()));
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String last = null;
            for (String line : new String(p.getInputStream().readAllBytes()).split("\n")) {
                if (line.matches("[0-9.]+ [0-9.]+ [0-9]+ [0-9]+")) {
                    last = line;
                }
            }
            return p.waitFor() == 0 && last != null ? Arrays.stream(last.split(" ")).mapToDouble(Double::parseDouble).toArray() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
