package io.ann4j.compiler.ir;

/**
 * A trace-time error in how an op was called: the message names the op, the argument and the
 * shapes involved, before anything is computed.
 */
public final class ShapeError extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, without the op's name in front (for a caller that adds context). */
    private final String detail;

    public ShapeError(String op, String message) {
        super(op + ": " + message);
        this.detail = message;
    }

    /** The message without the op's name in front. */
    public String detail() {
        return detail;
    }
}
