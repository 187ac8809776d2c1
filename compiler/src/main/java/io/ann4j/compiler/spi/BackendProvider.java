package io.ann4j.compiler.spi;

/**
 * How a backend is found: registered in {@code META-INF/services}, loaded with {@link
 * java.util.ServiceLoader}. Providers are cheap to construct; {@link #create()} does the heavy
 * work and is called at most once per process.
 */
public interface BackendProvider {
    /** The backend's name, e.g. {@code cpu}. */
    String name();

    /** Higher wins when the user names no backend. */
    int rank();

    /** Whether the backend can run here (its hardware or plugin is present). */
    boolean isAvailable();

    /** A one-line reason when not available, for error messages. */
    default String unavailableReason() {
        return "";
    }

    Backend create();
}
