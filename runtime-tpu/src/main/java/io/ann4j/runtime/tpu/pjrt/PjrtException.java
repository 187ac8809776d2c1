package io.ann4j.runtime.tpu.pjrt;

/**
 * A failure of the PJRT runner: a {@code PJRT_Error} returned by the plugin (then {@link #code()}
 * is its {@code PJRT_Error_Code} and the message is the plugin's own), or a plugin that cannot be
 * used at all (missing file, not loadable, not a PJRT plugin, incompatible API version; then the
 * code is 0).
 */
public class PjrtException extends RuntimeException {
    private final int code;

    /** A problem found by ann4j itself (loading, checking), not reported by the plugin. */
    public PjrtException(String message) {
        this(message, 0, null);
    }

    PjrtException(String message, Throwable cause) {
        this(message, 0, cause);
    }

    /** An error reported by the plugin; {@code code} is its {@code PJRT_Error_Code}. */
    public PjrtException(String message, int code) {
        this(message, code, null);
    }

    private PjrtException(String message, int code, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /**
     * The plugin's {@code PJRT_Error_Code} (1 CANCELLED ... 16 UNAUTHENTICATED, as absl status
     * codes), or 0 when the error did not come from the plugin.
     */
    public int code() {
        return code;
    }

    /** The name of a {@code PJRT_Error_Code}, e.g. {@code INVALID_ARGUMENT}. */
    public static String codeName(int code) {
        return switch (code) {
            case 1 -> "CANCELLED";
            case 2 -> "UNKNOWN";
            case 3 -> "INVALID_ARGUMENT";
            case 4 -> "DEADLINE_EXCEEDED";
            case 5 -> "NOT_FOUND";
            case 6 -> "ALREADY_EXISTS";
            case 7 -> "PERMISSION_DENIED";
            case 8 -> "RESOURCE_EXHAUSTED";
            case 9 -> "FAILED_PRECONDITION";
            case 10 -> "ABORTED";
            case 11 -> "OUT_OF_RANGE";
            case 12 -> "UNIMPLEMENTED";
            case 13 -> "INTERNAL";
            case 14 -> "UNAVAILABLE";
            case 15 -> "DATA_LOSS";
            case 16 -> "UNAUTHENTICATED";
            default -> "code " + code;
        };
    }
}
