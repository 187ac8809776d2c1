package io.ann4j.cli.bench;

/**
 * One measured point of a recall sweep.
 *
 * @param algorithm    {@code threshold}, {@code bins}, a backend's name, or {@code exact}
 * @param recallTarget the target asked for (NaN for exact search)
 * @param recall       recall@k against the ground truth
 * @param ms           median time of a search of all queries, milliseconds
 * @param qps          queries per second at that time
 */
public record BenchPoint(String algorithm, double recallTarget, double recall, double ms, double qps) {}
