package io.ann4j.cli;

import io.ann4j.cli.io.ElementType;
import io.ann4j.cli.io.Format;
import io.ann4j.cli.io.MatrixWriter;
import io.ann4j.cli.io.Table;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/** Test data: random matrices, written in any format, and brute-force neighbours. */
final class Data {
    private Data() {}

    static float[] gaussian(int rows, int cols, long seed) {
        Random r = new Random(seed);
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    static Path write(Path file, int rows, int cols, float[] v) throws IOException {
        MatrixWriter.write(file, Format.of(file, null), Table.ofFloats(rows, cols, v), ElementType.FLOAT32, "train");
        return file;
    }

    /** An ann-benchmarks file written with jhdf: train, test, and the exact neighbours and distances. */
    static Path annBenchmarks(Path file, float[] train, float[] test, int cols, String distance, int width) {
        int n = train.length / cols;
        int q = test.length / cols;
        int[] ids = new int[q * width];
        float[] dist = new float[q * width];
        for (int i = 0; i < q; i++) {
            int[] best = bruteForce(train, n, test, i, cols, width, distance.equals("angular") ? "cosine" : "l2");
            for (int j = 0; j < width; j++) {
                ids[i * width + j] = best[j];
                double d = distance.equals("angular") ? 1 - cos(test, i, train, best[j], cols) : Math.sqrt(l2sq(test, i, train, best[j], cols));
                dist[i * width + j] = (float) d;
            }
        }
        MatrixWriter.writeHdf5(file, Map.of("train", Table.ofFloats(n, cols, train), "test", Table.ofFloats(q, cols, test),
                "neighbors", Table.ofInts(q, width, ids), "distances", Table.ofFloats(q, width, dist)), Map.of("distance", distance));
        return file;
    }

    static double l2sq(float[] a, int i, float[] b, int j, int cols) {
        double s = 0;
        for (int c = 0; c < cols; c++) {
            double d = a[i * cols + c] - b[j * cols + c];
            s += d * d;
        }
        return s;
    }

    static double dot(float[] a, int i, float[] b, int j, int cols) {
        double s = 0;
        for (int c = 0; c < cols; c++) {
            s += (double) a[i * cols + c] * b[j * cols + c];
        }
        return s;
    }

    static double cos(float[] a, int i, float[] b, int j, int cols) {
        return dot(a, i, b, j, cols) / Math.sqrt(dot(a, i, a, i, cols) * dot(b, j, b, j, cols));
    }

    /** The k best rows of {@code db} for query {@code qi}, best first. */
    static int[] bruteForce(float[] db, int n, float[] qy, int qi, int cols, int k, String metric) {
        Integer[] order = new Integer[n];
        double[] score = new double[n];
        for (int j = 0; j < n; j++) {
            order[j] = j;
            score[j] = switch (metric) {
                case "l2" -> l2sq(qy, qi, db, j, cols);
                case "ip" -> -dot(qy, qi, db, j, cols);
                default -> -cos(qy, qi, db, j, cols);
            };
        }
        java.util.Arrays.sort(order, (x, y) -> score[x] != score[y] ? Double.compare(score[x], score[y]) : Integer.compare(x, y));
        int[] best = new int[k];
        for (int i = 0; i < k; i++) {
            best[i] = order[i];
        }
        return best;
    }
}
