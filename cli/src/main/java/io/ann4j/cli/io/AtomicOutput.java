package io.ann4j.cli.io;

import io.ann4j.cli.BadInputException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Output written to a temporary file beside its target and renamed into place only when complete,
 * so that a failure or Ctrl-C never leaves a partial file. An existing target is replaced only
 * when the user said {@code --force}.
 */
public final class AtomicOutput {
    /** Temporary files being written; a shutdown hook (Ctrl-C) deletes what is left. */
    private static final Set<Path> PENDING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(AtomicOutput::deletePending, "ann4j-delete-partial-output"));
    }

    /** Writes to a path. */
    @FunctionalInterface
    public interface PathWriter {
        void write(Path tmp) throws IOException;
    }

    private AtomicOutput() {}

    /**
     * Checks, before any work, that {@code target} may be written: its folder exists and it does
     * not exist yet (or {@code force}).
     */
    public static void check(Path target, boolean force) {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new BadInputException(target, "its folder " + dir + " does not exist; expected an existing folder");
        }
        if (Files.exists(abs) && !force) {
            throw new BadInputException(target, "already exists; expected a new file (use --force to overwrite it)");
        }
        if (Files.isDirectory(abs)) {
            throw new BadInputException(target, "is a directory; expected a file name");
        }
        if (!Files.isWritable(dir)) {
            throw new BadInputException(target, "its folder " + dir + " is not writable; expected a writable folder");
        }
    }

    /** Writes {@code target} through a temporary file beside it, then renames it into place. */
    public static void write(Path target, boolean force, PathWriter writer) throws IOException {
        check(target, force);
        Path abs = target.toAbsolutePath();
        String name = abs.getFileName().toString();
        // Keep the extension last: some writers look at it.
        Path tmp = abs.resolveSibling("." + name + ".partial-" + ProcessHandle.current().pid() + "-" + System.nanoTime()
                + name.substring(Math.max(0, name.lastIndexOf('.'))));
        PENDING.add(tmp);
        try {
            writer.write(tmp);
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
            PENDING.remove(tmp);
        }
    }

    private static void deletePending() {
        for (Path p : PENDING) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // Best effort while the JVM exits.
            }
        }
    }
}
