package io.ann4j.cli.io;

import io.ann4j.cli.BadInputException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The file formats the command reads and writes, found from the extension or {@code --format}. */
public enum Format {
    /** NumPy {@code .npy} (NEP 1). */
    NPY("npy"),
    /** TEXMEX float32 records. */
    FVECS("fvecs"),
    /** TEXMEX int32 records (ground truths). */
    IVECS("ivecs"),
    /** TEXMEX uint8 records (SIFT1B). */
    BVECS("bvecs"),
    /** big-ann-benchmarks float32. */
    FBIN("fbin"),
    /** big-ann-benchmarks int32. */
    IBIN("ibin"),
    /** big-ann-benchmarks uint8. */
    U8BIN("u8bin"),
    /** big-ann-benchmarks int8. */
    I8BIN("i8bin"),
    /** ann-benchmarks HDF5 ({@code train}, {@code test}, {@code neighbors}, {@code distances}). */
    HDF5("hdf5"),
    /** Comma-separated values, for small results. */
    CSV("csv");

    private final String extension;

    Format(String extension) {
        this.extension = extension;
    }

    /** The extension without its dot. */
    public String extension() {
        return extension;
    }

    /** Whether this is one of the TEXMEX record formats. */
    public boolean isVecs() {
        return this == FVECS || this == IVECS || this == BVECS;
    }

    /** Whether this is one of the big-ann-benchmarks formats. */
    public boolean isBin() {
        return this == FBIN || this == IBIN || this == U8BIN || this == I8BIN;
    }

    /**
     * The format of {@code file}: {@code override} when given (a name such as {@code npy}),
     * otherwise from the extension ({@code .h5} reads as HDF5).
     *
     * @throws BadInputException for an unknown extension or format name
     */
    public static Format of(Path file, String override) {
        return of(file, override, "--format");
    }

    /**
     * {@link #of(Path, String)}, where {@code option} is the option that names this file's format
     * ({@code --db-format}, {@code --queries-format}, {@code --format}; null where no option
     * does): the messages point to it.
     */
    public static Format of(Path file, String override, String option) {
        if (override != null && !override.isBlank()) {
            return byName(override.strip().toLowerCase(Locale.ROOT)).orElseThrow(() -> new BadInputException(
                    option + " " + override + " is not a known format; expected one of " + names()));
        }
        String ext = extension(file);
        return byName(ext.equals("h5") ? "hdf5" : ext).orElseThrow(() -> new BadInputException(file,
                (ext.isEmpty() ? "no extension" : "unknown extension '." + ext + "'") + "; expected one of "
                        + names() + (option == null ? "" : " (or name the format with " + option + ")")));
    }

    /** The format {@code override} names, else the one of the extension; empty if neither is known. */
    public static java.util.Optional<Format> known(Path file, String override) {
        if (override != null && !override.isBlank()) {
            return byName(override.strip().toLowerCase(Locale.ROOT));
        }
        String ext = extension(file);
        return byName(ext.equals("h5") ? "hdf5" : ext);
    }

    /** The extension of {@code file}, lower case, without its dot ("" if none). */
    public static String extension(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static java.util.Optional<Format> byName(String ext) {
        return Arrays.stream(values()).filter(f -> f.extension.equals(ext)).findFirst();
    }

    /** The extensions, for messages. */
    public static String names() {
        return Arrays.stream(values()).map(f -> "." + f.extension).collect(Collectors.joining(", "));
    }
}
