package io.ann4j.compiler.spi;

/**
 * One option a backend accepts, for {@link Backend#options()}: its key, namespaced by the
 * backend's name ({@code cpu.selection}), the values it accepts in words, and its default.
 */
public record BackendOption(String key, String accepted, String defaultValue) {
    @Override
    public String toString() {
        return key + " (" + accepted + "; default " + defaultValue + ")";
    }
}
