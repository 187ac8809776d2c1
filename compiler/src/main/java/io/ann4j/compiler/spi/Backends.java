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
 *
 * <p>Written with loops and no lambdas: it runs on a process's first compile, where each
 * lambda's first use costs a linkage (~0.3 ms in a cold JVM).
 */
public final class Backends {
    private static final Map<String, Backend> CREATED = new ConcurrentHashMap<>();

    private Backends() {}

    /** Every provider on the class path, best first. */
    public static List<BackendProvider> providers() {
        List<BackendProvider> list = new ArrayList<>();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader())) {
            list.add(p);
        }
        list.sort(BEST_FIRST);
        return list;
    }

    private static final Comparator<BackendProvider> BEST_FIRST = new Comparator<>() {
        @Override
        public int compare(BackendProvider a, BackendProvider b) {
            return Integer.compare(b.rank(), a.rank());
        }
    };

    /** The names of the available backends, best first. */
    public static List<String> available() {
        List<String> names = new ArrayList<>();
        for (BackendProvider p : providers()) {
            if (p.isAvailable()) {
                names.add(p.name());
            }
        }
        return List.copyOf(names);
    }

    /** The backend called {@code name}, or an error that lists the ones there are. */
    public static Backend get(String name) {
        Backend made = CREATED.get(name);
        if (made != null) {
            return made;
        }
        synchronized (CREATED) {
            made = CREATED.get(name);
            if (made == null) {
                made = create(name);
                CREATED.put(name, made);
            }
            return made;
        }
    }

    private static Backend create(String name) {
        List<BackendProvider> all = providers();
        List<String> names = new ArrayList<>();
        for (BackendProvider p : all) {
            if (p.name().equals(name)) {
                if (!p.isAvailable()) {
                    throw new IllegalStateException("backend '" + name + "' is not available: " + p.unavailableReason());
                }
                return p.create();
            }
            names.add(p.name());
        }
        throw new IllegalArgumentException("no backend named '" + name + "'; found " + names
                + " (add a runtime module such as ann4j-runtime-cpu to the class path)");
    }

    /** The system property that names the default backend. */
    public static final String PROPERTY = "ann4j.backend";

    /** The backend named by {@code ann4j.backend}, else the best available one. */
    public static Backend defaultBackend() {
        return get(defaultName());
    }

    /** {@code name}, or the default's name ({@link #defaultName()}, read now) where it is null. */
    public static String nameOrDefault(String name) {
        return name != null ? name : defaultName();
    }

    /** The best available backend's name, found once (the class path does not change). */
    private static volatile String bestAvailable;

    /**
     * The name of the default backend: {@code ann4j.backend} as it is set now, else the best
     * available one. Cheap enough to read on every call, so that a jitted function given no
     * backend follows a change of the property (see {@code Jitted}).
     */
    public static String defaultName() {
        String named = System.getProperty(PROPERTY);
        if (named != null && !named.isBlank()) {
            return named.trim();
        }
        String best = bestAvailable;
        if (best == null) {
            List<String> names = available();
            if (names.isEmpty()) {
                throw new IllegalStateException("no ann4j backend on the class path: add ann4j-runtime-cpu");
            }
            best = names.get(0);
            bestAvailable = best;
        }
        return best;
    }
}
