package io.ann4j.runtime.cpu.search;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The instruction-set flags of this CPU, read once from {@code /proc/cpuinfo}: which reduced
 * precision products run in hardware ({@code avx512_bf16}, {@code avx512_vnni}, ...). Empty where
 * the file cannot be read (not Linux): every product then takes its f32 path.
 */
public final class CpuFeatures {
    private static final Set<String> FLAGS = read();
    private static final String MODEL = readModel();

    private CpuFeatures() {}

    /** Whether {@code /proc/cpuinfo} lists any of {@code flags}. */
    public static boolean hasAny(String... flags) {
        return hasAny(FLAGS, flags);
    }

    /** Whether {@code cpu} (a CPU's flags, real or faked in a test) holds any of {@code flags}. */
    public static boolean hasAny(Set<String> cpu, String... flags) {
        for (String f : flags) {
            if (cpu.contains(f)) {
                return true;
            }
        }
        return false;
    }

    /** This CPU's flags. */
    public static Set<String> flags() {
        return FLAGS;
    }

    /** The CPU's model name and family ({@code "AMD EPYC 9R14 (family 25)"}), for figures. */
    public static String model() {
        return MODEL;
    }

    private static String readModel() {
        String name = "unknown CPU";
        String family = "?";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name") && name.equals("unknown CPU")) {
                    name = line.substring(line.indexOf(':') + 1).trim();
                } else if (line.startsWith("cpu family") && family.equals("?")) {
                    family = line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the name stays unknown
        }
        return name + " (family " + family + ")";
    }

    private static Set<String> read() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) {
                    return new HashSet<>(Arrays.asList(line.substring(line.indexOf(':') + 1).trim().split("\\s+")));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: no reduced-precision instructions assumed
        }
        return Set.of();
    }
}
