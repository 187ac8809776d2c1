package io.ann4j.compiler.spi;

import io.ann4j.compiler.passes.CompileOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * The check every compile makes of its options' keys, before the backend reads their values.
 * Keys are namespaced by backend name: a key in the compiling backend's namespace that it does
 * not declare ({@code cpu.selecton}) is an error listing the keys it does declare; a key without a
 * namespace is an error; a key of another backend's namespace is left to that backend, so that
 * one config can carry options for several. (A typo used to change nothing and say nothing.)
 */
public final class BackendOptions {
    private BackendOptions() {}

    /**
     * @throws IllegalArgumentException naming the key, the backend and the keys it accepts
     */
    public static void check(Backend backend, CompileOptions options) {
        String prefix = backend.name() + ".";
        List<String> known = new ArrayList<>();
        for (BackendOption o : backend.options()) {
            known.add(o.key());
        }
        for (String key : options.backendOptions().keySet()) {
            if (key.indexOf('.') <= 0) {
                throw new IllegalArgumentException("option '" + key + "' names no backend; expected a key such as "
                        + (known.isEmpty() ? prefix + "name" : known.get(0)) + ": " + describe(backend));
            }
            if (key.startsWith(prefix) && !known.contains(key)) {
                throw new IllegalArgumentException("backend " + backend.name() + " has no option '" + key + "': "
                        + describe(backend));
            }
        }
    }

    private static String describe(Backend backend) {
        List<BackendOption> all = backend.options();
        if (all.isEmpty()) {
            return "it takes no options";
        }
        StringBuilder sb = new StringBuilder("its options are ");
        for (int i = 0; i < all.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(all.get(i));
        }
        return sb.toString();
    }
}
