package io.ann4j.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.filter.Filter;
import dev.langchain4j.store.embedding.filter.comparison.ContainsString;
import dev.langchain4j.store.embedding.filter.comparison.IsEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsGreaterThan;
import dev.langchain4j.store.embedding.filter.comparison.IsIn;
import dev.langchain4j.store.embedding.filter.comparison.IsLessThanOrEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsNotEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsNotIn;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The dictionary evaluation of a filter ({@link FilterEvaluation}) selects exactly the rows that
 * testing each row's metadata with the filter selects, for random metadata (keys missing or of
 * mixed number types) and random nested filters.
 */
class FilterEvaluationProperties {
    @Property(tries = 200)
    void dictionaryEvaluationEqualsTheRowByRowTest(@ForAll long seed, @ForAll @IntRange(min = 0, max = 300) int rows) {
        Random rnd = new Random(seed);
        Ann4jEmbeddingStore store = new Ann4jEmbeddingStore();
        List<Embedding> embeddings = new ArrayList<>();
        List<TextSegment> segments = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            embeddings.add(Embedding.from(new float[] {rnd.nextFloat() + 0.1f, rnd.nextFloat()}));
            Metadata md = new Metadata();
            if (rnd.nextInt(4) > 0) {
                md.put("s", "v" + rnd.nextInt(5));
            }
            if (rnd.nextInt(4) > 0) {
                if (rnd.nextBoolean()) {
                    md.put("n", rnd.nextInt(6));
                } else {
                    md.put("n", (long) rnd.nextInt(6));
                }
            }
            if (rnd.nextInt(3) > 0) {
                md.put("x", rnd.nextInt(8) / 2.0);
            }
            segments.add(rnd.nextInt(10) == 0 ? null : TextSegment.from("t", md));
        }
        if (rows > 0) {
            store.addAll(embeddings, segments);
        }
        Snapshot s = store.snapshotForProbe();
        for (int t = 0; t < 5; t++) {
            Filter f = filter(rnd, 3);
            assertEquals(FilterMask.scan(s, f), FilterEvaluation.rows(f, s), f.toString());
        }
    }

    private static Filter filter(Random rnd, int depth) {
        if (depth > 0 && rnd.nextInt(3) == 0) {
            return switch (rnd.nextInt(3)) {
                case 0 -> filter(rnd, depth - 1).and(filter(rnd, depth - 1));
                case 1 -> filter(rnd, depth - 1).or(filter(rnd, depth - 1));
                default -> Filter.not(filter(rnd, depth - 1));
            };
        }
        return switch (rnd.nextInt(8)) {
            case 0 -> new IsEqualTo("s", "v" + rnd.nextInt(6));
            case 1 -> new IsNotEqualTo("s", "v" + rnd.nextInt(6));
            case 2 -> new IsIn("s", List.of("v" + rnd.nextInt(6), "v" + rnd.nextInt(6)));
            case 3 -> new ContainsString("s", String.valueOf(rnd.nextInt(6)));
            case 4 -> new IsEqualTo("n", rnd.nextBoolean() ? (Object) rnd.nextInt(6) : (Object) (long) rnd.nextInt(6));
            case 5 -> new IsGreaterThan("n", rnd.nextInt(6));
            case 6 -> new IsNotIn("n", List.of(rnd.nextInt(6), (long) rnd.nextInt(6)));
            default -> new IsLessThanOrEqualTo("x", rnd.nextInt(8) / 2.0);
        };
    }
}
