package io.ann4j.spark.ml;

import java.util.function.Consumer;
import org.apache.spark.TaskContext;

/**
 * A test seam: code run in the executor's JVM at the start of each pair search and of each
 * merge task (so only meaningful with a local master). Tests fail first attempts there and check
 * that Spark's retries leave the answer unchanged.
 */
final class JoinHooks {
    private static volatile Consumer<TaskContext> beforeSearch = ctx -> {};
    private static volatile Consumer<TaskContext> beforeMerge = ctx -> {};

    private JoinHooks() {}

    static void set(Consumer<TaskContext> search, Consumer<TaskContext> merge) {
        beforeSearch = search == null ? ctx -> {} : search;
        beforeMerge = merge == null ? ctx -> {} : merge;
    }

    static void beforeSearch() {
        TaskContext ctx = TaskContext.get();
        if (ctx != null) {
            beforeSearch.accept(ctx);
        }
    }

    static void beforeMerge() {
        TaskContext ctx = TaskContext.get();
        if (ctx != null) {
            beforeMerge.accept(ctx);
        }
    }
}
