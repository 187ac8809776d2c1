package io.ann4j.spark;

import io.ann4j.compiler.ir.Graph;
import java.io.Serializable;
import java.util.Map;

/**
 * What the driver broadcasts for one search: the traced per-shard graphs (one per distinct shard
 * row count), the queries, and how to compile and merge.
 *
 * @param graphsByRows   the per-shard program traced for shards of that many rows
 * @param queries        the queries, row-major {@code [q, d]} f32
 * @param q              number of queries
 * @param d              query dimension
 * @param k              results per query
 * @param largestIsBest  approxMaxK (true) or approxMinK
 * @param fuse           the compile option {@code fuse}
 * @param backendOptions the backend options (e.g. {@code cpu.selection})
 * @param backend        the backend to compile for; null: each executor's default
 */
record SearchPlan(Map<Integer, Graph> graphsByRows, float[] queries, int q, int d, int k, boolean largestIsBest,
                  boolean fuse, Map<String, String> backendOptions, String backend) implements Serializable {}
