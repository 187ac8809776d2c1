package io.ann4j.springai;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.store.embedding.filter.comparison.IsEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsGreaterThan;
import dev.langchain4j.store.embedding.filter.comparison.IsGreaterThanOrEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsIn;
import dev.langchain4j.store.embedding.filter.comparison.IsLessThan;
import dev.langchain4j.store.embedding.filter.comparison.IsLessThanOrEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsNotEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsNotIn;
import dev.langchain4j.store.embedding.filter.logical.And;
import dev.langchain4j.store.embedding.filter.logical.Not;
import dev.langchain4j.store.embedding.filter.logical.Or;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.springframework.ai.vectorstore.filter.Filter;

/**
 * Spring AI's filter AST ({@link Filter.Expression}) as the core store's filters (LangChain4j's),
 * so that Spring AI filters run fused into the search the same way: {@code ==}, {@code !=},
 * {@code >}, {@code >=}, {@code <}, {@code <=}, {@code in}, {@code nin}, {@code &&}, {@code ||},
 * {@code NOT}, groups, {@code IS NULL} and {@code IS NOT NULL}. Boolean values are held as the
 * strings {@code "true"} and {@code "false"} on both sides (the core's metadata types have no
 * boolean; {@link Ann4jVectorStore} returns the documents' own metadata unchanged).
 */
final class SpringFilters {
    private SpringFilters() {}

    static dev.langchain4j.store.embedding.filter.Filter convert(Filter.Expression e) {
        return switch (e.type()) {
            case AND -> new And(operand(e.left()), operand(e.right()));
            case OR -> new Or(operand(e.left()), operand(e.right()));
            case NOT -> new Not(operand(e.left()));
            case EQ -> new IsEqualTo(key(e), value(e));
            case NE -> new IsNotEqualTo(key(e), value(e));
            case GT -> new IsGreaterThan(key(e), comparable(e));
            case GTE -> new IsGreaterThanOrEqualTo(key(e), comparable(e));
            case LT -> new IsLessThan(key(e), comparable(e));
            case LTE -> new IsLessThanOrEqualTo(key(e), comparable(e));
            case IN -> new IsIn(key(e), values(e));
            case NIN -> new IsNotIn(key(e), values(e));
            case ISNULL -> new MissingKey(key(e));
            case ISNOTNULL -> new Not(new MissingKey(key(e)));
        };
    }

    private static dev.langchain4j.store.embedding.filter.Filter operand(Filter.Operand o) {
        return switch (o) {
            case Filter.Expression e -> convert(e);
            case Filter.Group g -> convert(g.content());
            default -> throw new IllegalArgumentException("filter: expected an expression or a group, got " + o);
        };
    }

    private static String key(Filter.Expression e) {
        if (e.left() instanceof Filter.Key k) {
            return unquote(k.key());
        }
        throw new IllegalArgumentException("filter " + e + ": expected a metadata key on the left of " + e.type());
    }

    /** Keys may arrive quoted from the text parser ({@code "my key" == 1}). */
    private static String unquote(String key) {
        if (key.length() >= 2 && (key.startsWith("\"") && key.endsWith("\"") || key.startsWith("'") && key.endsWith("'"))) {
            return key.substring(1, key.length() - 1);
        }
        return key;
    }

    private static Object value(Filter.Expression e) {
        if (e.right() instanceof Filter.Value v && v.value() != null) {
            return normalized(v.value());
        }
        throw new IllegalArgumentException("filter " + e + ": expected a value on the right of " + e.type());
    }

    @SuppressWarnings("rawtypes")
    private static Comparable comparable(Filter.Expression e) {
        if (value(e) instanceof Comparable c) {
            return c;
        }
        throw new IllegalArgumentException("filter " + e + ": " + e.type() + " needs a comparable value");
    }

    private static Collection<Object> values(Filter.Expression e) {
        if (e.right() instanceof Filter.Value v && v.value() instanceof Collection<?> c) {
            List<Object> out = new ArrayList<>(c.size());
            for (Object x : c) {
                out.add(normalized(x));
            }
            return out;
        }
        throw new IllegalArgumentException("filter " + e + ": " + e.type() + " needs a list of values");
    }

    /** A metadata value as the core store holds it (booleans as strings). */
    static Object normalized(Object v) {
        return v instanceof Boolean b ? b.toString() : v;
    }

    /** {@code key IS NULL}: the metadata lacks the key. */
    record MissingKey(String key) implements dev.langchain4j.store.embedding.filter.Filter {
        @Override
        public boolean test(Object object) {
            return object instanceof Metadata m && !m.containsKey(key);
        }
    }
}
