package io.ann4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The FAISS yardstick ({@code bench/faiss_flat.py}, IndexFlatIP with Debian's
 * python3-faiss), run when it is installed; never a requirement.
 */
final class Faiss {
    private static final Pattern MEDIAN = Pattern.compile("median ([0-9.]+) ms");

    private Faiss() {}

    static Path script() {
        String configured = System.getProperty("ann4j.bench.faiss");
        for (String candidate : new String[] {configured, "bench/faiss_flat.py", "../bench/faiss_flat.py"}) {
            if (candidate != null && Files.isRegularFile(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        return null;
    }

    static boolean available() {
        if (script() == null || !Files.isExecutable(Path.of("/usr/bin/python3"))) {
            return false;
        }
        return run(List.of("/usr/bin/python3", "-c", "import faiss")) != null;
    }

    /** FAISS's median search time at this shape (its own random data), if it ran. */
    static OptionalDouble medianMs(int q, int n, int d, int k, int runs) {
        return median(List.of("/usr/bin/python3", script().toString(), "--q", "" + q, "--n", "" + n, "--d", "" + d,
                "--k", "" + k, "--runs", "" + runs));
    }

    /** FAISS's median on the user's own .npy files (IndexFlatIP: inner product only). */
    static OptionalDouble medianMsOnFiles(String db, String queries, int k, int runs) {
        return median(List.of("/usr/bin/python3", script().toString(), "--db", db, "--queries", queries,
                "--k", "" + k, "--runs", "" + runs));
    }

    private static OptionalDouble median(List<String> command) {
        String out = run(command);
        if (out == null) {
            return OptionalDouble.empty();
        }
        Matcher m = MEDIAN.matcher(out);
        return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
    }

    private static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
                return null;
            }
            return out;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
