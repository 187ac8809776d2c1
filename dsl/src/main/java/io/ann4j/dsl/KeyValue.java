package io.ann4j.dsl;

/** The result of {@link Ops#sortKeyVal}: the sorted keys and the values carried along. */
public record KeyValue(Tensor keys, Tensor values) {}
