package io.ann4j.cli.io;

import io.ann4j.cli.BadInputException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A file mapped read-only into memory (the OS pages it in on demand; nothing goes on the heap). */
final class MappedFile implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    final Path file;
    final MemorySegment segment;

    MappedFile(Path file) {
        this.file = file;
        checkReadable(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            segment = ch.size() == 0 ? MemorySegment.ofArray(new byte[0]) : ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
        } catch (IOException e) {
            arena.close();
            throw new BadInputException(file, "cannot be read (" + e.getMessage() + "); expected a readable file", e);
        }
    }

    long size() {
        return segment.byteSize();
    }

    /** Fails with a one-line message when {@code file} is missing, a directory or unreadable. */
    static void checkReadable(Path file) {
        if (!Files.exists(file)) {
            throw new BadInputException(file, "no such file; expected an existing, readable file");
        }
        if (Files.isDirectory(file)) {
            throw new BadInputException(file, "is a directory; expected a file");
        }
        if (!Files.isReadable(file)) {
            throw new BadInputException(file, "permission denied; expected a readable file");
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
