package io.ann4j.compiler.spi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry of backends found by {@link ServiceLoader}. Backends are created lazily, once.
 * The system property {@code ann4j.backend} picks the default by name.
 */
public final class Backends {
    private static final Map<String, Backend> CREATED = new ConcurrentHashMap<>();

    private Backends() {}

    /** Every provider on the class path, best first. */
    public static List<BackendProvider> providers() {
        List<BackendProvider> list = new ArrayList<>();
        ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader()).forEach(list::add);
        list.sort(Comparator.comparingInt(BackendProvider::rank).reversed());
        return list;
    }

    /** The names of the available backends, best first. */
    public static List<String> available() {
        return providers().stream().filter(BackendProvider::isAvailable).map(BackendProvider::name).toList();
    }

    /** The backend called {@code name}, or an error that lists the ones there are. */
    public static Backend get(String name) {
        return CREATED.computeIfAbsent(name, n -> {
            List<BackendProvider> all = providers();
            for (BackendProvider p : all) {
                if (p.name().equals(n)) {
                    if (!p.isAvailable()) {
                        throw new IllegalStateException("backend '" + n + "' is not available: " + p.unavailableReason());
                    }
                    return p.create();
                }
            }
            throw new IllegalArgumentException("no backend named '" + n + "'; found "
                    + all.stream().map(BackendProvider::name).toList()
                    + " (add a runtime module such as ann4j-runtime-cpu to the class path)");
        });
    }

    /** The backend named by {@code ann4j.backend}, else the best available one. */
    public static Backend defaultBackend() {
        String named = System.getProperty("ann4j.backend");
        if (named != null && !named.isBlank()) {
            return get(named.trim());
        }
        List<String> names = available();
        if (names.isEmpty()) {
            throw new IllegalStateException("no ann4j backend on the class path: add ann4j-runtime-cpu");
        }
        return get(names.get(0));
    }
}
