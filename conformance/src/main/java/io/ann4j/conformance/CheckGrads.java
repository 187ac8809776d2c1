package io.ann4j.conformance;

import io.ann4j.dsl.*;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * JAX's {@code check_grads} for ann4j: in f64, forward mode against central differences along
 * random directions, reverse mode against forward mode through the transpose identity
 * {@code <vjp(u), v> == <u, jvp(v)>}, and (order 2) the same checks on the derivative functions
 * themselves, which are staged graphs too.
 */
final class CheckGrads {
    private CheckGrads() {}

    static void check(Function<Tensor[], Tensor> f, Tensor[] args, int order, double eps, double tol, long seed) {
        Random rnd = new Random(seed);
        checkFwd(f, args, eps, tol, rnd);
        checkRev(f, args, tol, rnd);
        if (order >= 2) {
            // The tangent map (x, v) -> jvp(f)(x; v) and the pullback (x, u) -> vjp(f)(x)(u) are
            // functions too (staged graphs); check them, with v and u as arguments.
            Tensor[] v = directions(args, rnd);
            int n = args.length;
            Function<Tensor[], Tensor> tangentMap = xv -> {
                Tensor[] x = java.util.Arrays.copyOf(xv, n);
                Tensor[] t = new Tensor[n];
                for (int i = 0, k = n; i < n; i++) {
                    t[i] = v[i] == null ? null : xv[k++];
                }
                return Autodiff.jvp(f, x, t).tangentOut();
            };
            check(tangentMap, concat(args, nonNull(v)), order - 1, eps, tol, rnd.nextLong());
            Tensor u = Tensor.of(random(f.apply(args).array().shape(), rnd));
            for (int i = 0; i < n; i++) {
                if (args[i].dtype().isFloating()) {
                    final int arg = i;
                    Function<Tensor[], Tensor> pullback = xu -> Autodiff.vjp(f, java.util.Arrays.copyOf(xu, n)).pullback()
                            .apply(xu[n])[arg];
                    check(pullback, concat(args, new Tensor[] {u}), order - 1, eps, tol, rnd.nextLong());
                }
            }
        }
    }

    private static Tensor[] nonNull(Tensor[] v) {
        return java.util.Arrays.stream(v).filter(java.util.Objects::nonNull).toArray(Tensor[]::new);
    }

    private static Tensor[] concat(Tensor[] a, Tensor[] b) {
        Tensor[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static void checkFwd(Function<Tensor[], Tensor> f, Tensor[] args, double eps, double tol, Random rnd) {
        Tensor[] v = directions(args, rnd);
        Tensor tangent = Autodiff.jvp(f, args, v).tangentOut();
        INDArray plus = f.apply(shift(args, v, eps)).array();
        INDArray minus = f.apply(shift(args, v, -eps)).array();
        INDArray numeric = plus.sub(minus).divi(2 * eps);
        assertClose(numeric, tangent.array(), tol, "jvp against central differences");
    }

    static void checkRev(Function<Tensor[], Tensor> f, Tensor[] args, double tol, Random rnd) {
        Tensor[] v = directions(args, rnd);
        Tensor tangent = Autodiff.jvp(f, args, v).tangentOut();
        Tensor u = Tensor.of(random(tangent.array().shape(), rnd));
        Tensor[] cts = Autodiff.vjp(f, args).pullback().apply(u);
        double lhs = 0;
        for (int i = 0; i < args.length; i++) {
            if (v[i] != null && cts[i] != null) {
                lhs += cts[i].array().castTo(DataType.DOUBLE).mul(v[i].array().castTo(DataType.DOUBLE)).sumNumber().doubleValue();
            }
        }
        double rhs = u.array().castTo(DataType.DOUBLE).mul(tangent.array().castTo(DataType.DOUBLE)).sumNumber().doubleValue();
        assertEquals(rhs, lhs, tol * Math.max(1, Math.abs(rhs)), "<vjp(u), v> must equal <u, jvp(v)>");
    }

    private static Tensor[] directions(Tensor[] args, Random rnd) {
        Tensor[] v = new Tensor[args.length];
        for (int i = 0; i < args.length; i++) {
            v[i] = args[i].dtype().isFloating()
                    ? Tensor.of(random(args[i].array().shape(), rnd).castTo(args[i].array().dataType())) : null;
        }
        return v;
    }

    private static Tensor[] shift(Tensor[] args, Tensor[] v, double eps) {
        Tensor[] out = new Tensor[args.length];
        for (int i = 0; i < args.length; i++) {
            out[i] = v[i] == null ? args[i] : Tensor.of(args[i].array().add(v[i].array().mul(eps)));
        }
        return out;
    }

    static INDArray random(long[] shape, Random rnd) {
        long n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        double[] d = new double[Math.toIntExact(n)];
        for (int i = 0; i < d.length; i++) {
            d[i] = rnd.nextGaussian();
        }
        return Nd4j.create(d, shape, DataType.DOUBLE);
    }

    static void assertClose(INDArray expected, INDArray actual, double tol, String what) {
        assertTrue(Arrays.equals(expected.shape(), actual.shape()),
                () -> what + ": shapes " + Arrays.toString(expected.shape()) + " vs " + Arrays.toString(actual.shape()));
        double[] e = expected.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] a = actual.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        for (int i = 0; i < e.length; i++) {
            double scale = Math.max(1, Math.abs(e[i]));
            final int at = i;
            assertTrue(Math.abs(e[i] - a[i]) <= tol * scale,
                    () -> what + ": element " + at + " expected " + e[at] + " got " + a[at] + " (tolerance " + tol + ")");
        }
    }
}
