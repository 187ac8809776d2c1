package io.ann4j.compiler.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ann4j.compiler.ops.Op;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every op has its home: a rules class in this package named after the op, implementing
 * {@code OpRules} for exactly that op, with its own JVP, transpose and batching rule. Op classes
 * come from the sealed interface's permitted subclasses, so a new op without rules fails here
 * (and in {@link Rules#of}'s exhaustive switch).
 */
class RulesRegistryTest {
    @Test
    void everyOpHasItsRulesClassWithAllThreeRules() throws Exception {
        Class<?>[] ops = Op.class.getPermittedSubclasses();
        assertTrue(ops.length >= 19, "ops: " + ops.length);
        for (Class<?> c : ops) {
            @SuppressWarnings("unchecked")
            Class<? extends Op> op = (Class<? extends Op>) c;
            Class<?> rules = Class.forName(Rules.rulesClassName(op));
            assertEquals(op, ruleTarget(rules), rules.getSimpleName() + " must implement OpRules<" + op.getSimpleName() + ">");
            Set<String> declared = Arrays.stream(rules.getDeclaredMethods()).filter(m -> !m.isSynthetic() && !m.isBridge())
                    .map(Method::getName).collect(Collectors.toSet());
            assertTrue(declared.containsAll(Set.of("jvp", "transpose", "batch")),
                    rules.getSimpleName() + " must declare jvp, transpose and batch, declares " + declared);
        }
    }

    /** The op type argument of the {@code OpRules} a rules class implements. */
    private static Type ruleTarget(Class<?> rules) {
        for (Type t : rules.getGenericInterfaces()) {
            if (t instanceof ParameterizedType p && p.getRawType() == OpRules.class) {
                return p.getActualTypeArguments()[0];
            }
        }
        return null;
    }
}
