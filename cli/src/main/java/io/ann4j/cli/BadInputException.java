package io.ann4j.cli;

import java.nio.file.Path;

/**
 * A problem with what the user gave: a file, an option or their combination. The command prints
 * the message on one line and exits with code 2. Messages name the file, the problem and what was
 * expected, as in {@code db.fvecs: record 17 has dimension 96 but the first has 128; expected
 * every record to have one dimension}.
 */
public final class BadInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A problem not tied to one file (options, their combination). */
    public BadInputException(String message) {
        super(message);
    }

    /** A problem with {@code file}: the message is prefixed with its name. */
    public BadInputException(Path file, String problem) {
        super(file + ": " + problem);
    }

    /** As {@link #BadInputException(Path, String)}, keeping the cause for debugging. */
    public BadInputException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
