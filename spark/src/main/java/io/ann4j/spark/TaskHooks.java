package io.ann4j.spark;

import java.util.function.Consumer;
import org.apache.spark.TaskContext;

/**
 * A test seam: code run at the start of every search task, in the executor's JVM (so only
 * meaningful with a local master, where that JVM is the test's). Tests use it to fail the first
 * attempt of one partition and check that Spark's retry gives the same answer.
 */
final class TaskHooks {
    private static volatile Consumer<TaskContext> beforePartition = ctx -> {};

    private TaskHooks() {}

    static void setBeforePartition(Consumer<TaskContext> hook) {
        beforePartition = hook == null ? ctx -> {} : hook;
    }

    static void beforePartition(TaskContext ctx) {
        beforePartition.accept(ctx);
    }
}
