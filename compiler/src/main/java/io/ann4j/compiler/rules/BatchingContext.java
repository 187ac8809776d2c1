package io.ann4j.compiler.rules;

import io.ann4j.compiler.ir.GraphBuilder;
import io.ann4j.compiler.ir.Value;

/** What a batching rule sees of the batching transform ({@code passes/Batching}). */
public interface BatchingContext {
    /** Where the batched graph is being built. */
    GraphBuilder builder();

    /** The batch size. */
    int size();

    /** Whether {@code v} carries the batch as its dimension 0. */
    boolean isBatched(Value v);

    /** {@code v} if batched, else {@code v} broadcast along a new leading batch dimension. */
    Value materialize(Value v);
}
