package io.ann4j.compiler.testing;

import io.ann4j.compiler.interpret.Interpreter;
import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.ir.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The passes' tests check that a rewritten graph computes what the original did, on the
 * compiler's reference interpreter ({@link Interpreter}: every element computed in double and
 * rounded to its dtype, every top-k exact in the total order). This class gives them tensors of
 * doubles, random small-integer arguments and batch slicing.
 */
public final class ReferenceInterpreter {

    /** A dense row-major tensor. */
    public record Tensor(TensorType type, double[] data) {
        public Tensor {
            if (data.length != type.elementCount()) {
                throw new IllegalArgumentException(type + " needs " + type.elementCount() + " elements, got " + data.length);
            }
        }

        public double at(int... index) {
            return data[ravel(index, type.shape().toArray())];
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Tensor t && t.type.equals(type) && Arrays.equals(t.data, data);
        }

        @Override
        public int hashCode() {
            return type.hashCode() * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return type + Arrays.toString(data.length > 32 ? Arrays.copyOf(data, 32) : data);
        }
    }

    private ReferenceInterpreter() {}

    /** The row-major offset of {@code index} in {@code shape}. */
    static int ravel(int[] index, int[] shape) {
        int at = 0;
        for (int a = 0; a < shape.length; a++) {
            at = at * shape[a] + index[a];
        }
        return at;
    }

    /** Random values for every parameter of {@code graph} (small integers, so sums are exact). */
    public static List<Tensor> randomArguments(Graph graph, long seed) {
        Random rnd = new Random(seed);
        List<Tensor> args = new ArrayList<>();
        for (TensorType t : graph.parameterTypes()) {
            args.add(random(t, rnd));
        }
        return args;
    }

    /** Random small integer values; i32 tensors get values in [0, 4) (valid row indices for tests). */
    public static Tensor random(TensorType t, Random rnd) {
        double[] d = new double[Math.toIntExact(t.elementCount())];
        for (int i = 0; i < d.length; i++) {
            d[i] = t.dtype() == DType.I32 ? rnd.nextInt(4) : rnd.nextInt(17) - 8;
        }
        return new Tensor(t, d);
    }

    /** Runs {@code graph} on {@code args}, on the compiler's interpreter ({@link Interpreter#evaluate}). */
    public static List<Tensor> run(Graph graph, List<Tensor> args) {
        if (args.size() != graph.parameters().size()) {
            throw new IllegalArgumentException("expected " + graph.parameters().size() + " arguments, got " + args.size());
        }
        List<double[]> in = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            Value p = graph.parameters().get(i);
            if (!p.type().equals(args.get(i).type())) {
                throw new IllegalArgumentException("argument " + i + " is " + args.get(i).type() + ", parameter is " + p.type());
            }
            in.add(args.get(i).data());
        }
        List<double[]> out = Interpreter.evaluate(graph, in);
        List<Tensor> results = new ArrayList<>();
        for (int r = 0; r < out.size(); r++) {
            results.add(new Tensor(graph.results().get(r).type(), out.get(r)));
        }
        return results;
    }

    /** Sub-tensor {@code t[b]} along dimension 0. */
    public static Tensor indexBatch(Tensor t, int b) {
        int[] shape = t.type().shape().toArray();
        int[] rest = Arrays.copyOfRange(shape, 1, shape.length);
        int len = Math.toIntExact(t.type().elementCount() / shape[0]);
        return new Tensor(new TensorType(t.type().dtype(), io.ann4j.compiler.ir.Dims.of(rest)),
                Arrays.copyOfRange(t.data(), b * len, (b + 1) * len));
    }
}
