package io.ann4j.runtime.cpu.select;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class RowTopKTest {
    /** Offers in index order, split into two states merged afterwards: equals a full sort. */
    @Property(tries = 200)
    void keepsTheBestKByKeyThenIndex(@ForAll @Size(min = 1, max = 300) int[] keysRaw,
                                     @ForAll @IntRange(min = 1, max = 20) int k,
                                     @ForAll @IntRange(min = 0, max = 300) int split) {
        int[] keys = Arrays.stream(keysRaw).map(x -> x % 7).toArray(); // many ties
        int n = keys.length;
        int cut = Math.min(split, n);
        RowTopK a = new RowTopK(1, k);
        RowTopK b = new RowTopK(1, k);
        for (int i = 0; i < n; i++) {
            (i < cut ? a : b).offer(0, keys[i], i);
        }
        b.mergeFrom(a);
        Integer[] order = IntStream.range(0, n).boxed().sorted(
                Comparator.<Integer>comparingInt(i -> -keys[i]).thenComparingInt(i -> i)).toArray(Integer[]::new);
        assertEquals(Math.min(k, n), b.count(0));
        for (int i = 0; i < b.count(0); i++) {
            assertEquals(order[i], b.index(0, i), "position " + i);
        }
    }
}
