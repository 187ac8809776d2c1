package io.ann4j.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The f32 yardsticks measured where they are fastest: each in a JVM of its own, alone, after its
 * own warm-up. In the bench's process they ran slower (on a Zen 5, oneDNN's product took 109 ms
 * there against ~71 alone): threads left spinning by the searches measured beside them (OpenMP's
 * and OpenBLAS's wait loops) take cores from the next call. So the ratios to these figures can
 * not flatter ann4j.
 *
 * <p>This machine's memory bandwidth drifts over minutes (the same gemv alone took 14.4 ms in one
 * run and 20.4-21.2 ms ten minutes later), so the bench measures the yardsticks twice, just before
 * and just after ann4j, keeps the faster figure of each and prints both.
 *
 * <p>The bench starts {@code java ... CleanYardsticks Q N D RUNS} with its own class path and JVM
 * options; the child rebuilds the same data from the bench's seeds and prints one line:
 * {@code onednn_ms sgemm_ms gemv_ms} (gemv only for Q of 64 or less, else -1).
 */
final class CleanYardsticks {
    /** The three figures, in ms; {@code gemv} is NaN when not measured. */
    record Figures(double onednn, double sgemm, double gemv) {
        /** The faster of two measurements of each yardstick (NaN and -1: not measured). */
        Figures fastest(Figures other) {
            return other == null ? this : new Figures(min(onednn, other.onednn), min(sgemm, other.sgemm),
                    min(gemv, other.gemv));
        }

        private static double min(double a, double b) {
            return Double.isNaN(a) || a < 0 ? b : Double.isNaN(b) || b < 0 ? a : Math.min(a, b);
        }
    }

    private CleanYardsticks() {}

    /** Runs the child JVM for one shape; null if it could not run (the reason goes to stderr). */
    static Figures measure(int q, int n, int d, int runs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(CleanYardsticks.class.getName());
        cmd.add(Integer.toString(q));
        cmd.add(Integer.toString(n));
        cmd.add(Integer.toString(d));
        cmd.add(Integer.toString(runs));
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                System.err.println("bench: the clean yardsticks' JVM failed (exit " + p.exitValue() + "): " + out);
                return null;
            }
            String[] f = out.lines().reduce((a, b) -> b).orElse("").trim().split("\\s+");
            double gemv = Double.parseDouble(f[2]);
            return new Figures(Double.parseDouble(f[0]), Double.parseDouble(f[1]), gemv < 0 ? Double.NaN : gemv);
        } catch (IOException | RuntimeException e) {
            System.err.println("bench: the clean yardsticks' JVM could not run: " + e);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The child: the bench's data for this shape, each yardstick alone. */
    public static void main(String[] args) {
        int q = Integer.parseInt(args[0]);
        int n = Integer.parseInt(args[1]);
        int d = Integer.parseInt(args[2]);
        int runs = Integer.parseInt(args[3]);
        INDArray db = BenchMain.random(n, d, 1);
        INDArray qy = BenchMain.random(q, d, 2);
        double onednn = -1;
        double sgemm;
        try (FloatPointer out = new FloatPointer((long) q * n)) {
            if (io.ann4j.runtime.cpu.search.OneDnn.available()) {
                onednn = warmMedian(runs, Baselines.onednn(qy, db, out));
            }
            sgemm = warmMedian(runs, Baselines.sgemm(qy, db, out));
        }
        double gemv = q <= 64 ? Baselines.gemvMs(qy.getRow(0).reshape(1, d).dup(), db, 3 * runs) : -1;
        System.out.printf(Locale.ROOT, "%.3f %.3f %.3f%n", onednn, sgemm, gemv);
    }

    /** The median after the bench's warm-up (at least 3 calls and 1.5 s). */
    private static double warmMedian(int runs, Runnable body) {
        return Stats.median(Stats.interleavedMs(runs, List.of(body))[0]);
    }
}
