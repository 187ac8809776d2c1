package io.ann4j.compiler.interpret;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.ops.BinaryOp;
import io.ann4j.compiler.ops.DotGeneral;
import io.ann4j.compiler.ops.Reduce;
import io.ann4j.compiler.ops.UnaryOp;

/**
 * The ops that compute: elementwise arithmetic, reductions, conversions and {@code dot_general}.
 * Each element is computed in double and rounded once to its dtype ({@link RefArray#round}), so
 * f32 results are the correctly rounded ones; sums and products accumulate in double.
 */
final class ArithmeticOps {
    private ArithmeticOps() {}

    /** Elementwise; an operand of one element is repeated (a scalar against an array). */
    static RefArray binary(BinaryOp.Kind kind, RefArray a, RefArray b, TensorType outType) {
        RefArray out = RefArray.zeros(outType);
        DType t = outType.dtype();
        boolean ints = t == DType.I32;
        for (int i = 0; i < out.size(); i++) {
            double x = a.data()[a.size() == 1 ? 0 : i];
            double y = b.data()[b.size() == 1 ? 0 : i];
            out.data()[i] = ints ? intBinary(kind, (long) x, (long) y) : RefArray.round(t, switch (kind) {
                case ADD -> x + y;
                case SUB -> x - y;
                case MUL -> x * y;
                case DIV -> x / y;
                case MAX -> Math.max(x, y);
                case MIN -> Math.min(x, y);
            });
        }
        return out;
    }

    /** i32 arithmetic as Java's int does it: wrapping, division truncating toward zero. */
    private static double intBinary(BinaryOp.Kind kind, long x, long y) {
        long r = switch (kind) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> y == 0 ? 0 : x / y;
            case MAX -> Math.max(x, y);
            case MIN -> Math.min(x, y);
        };
        return (int) r;
    }

    static RefArray unary(UnaryOp.Kind kind, RefArray x) {
        RefArray out = RefArray.zeros(x.dtype(), x.shape());
        for (int i = 0; i < out.size(); i++) {
            double v = x.data()[i];
            out.data()[i] = RefArray.round(x.dtype(), switch (kind) {
                case NEG -> -v;
                case SQRT -> Math.sqrt(v);
                case SQUARE -> v * v;
                case ABS -> Math.abs(v);
                case EXP -> Math.exp(v);
                case LOG -> Math.log(v);
                case SIGN -> Math.signum(v);
            });
        }
        return out;
    }

    /** Sum or max over {@code axes}; NaN propagates through max. */
    static RefArray reduce(Reduce r, RefArray x, TensorType outType) {
        boolean[] reduced = new boolean[x.rank()];
        for (int a : r.axes().toArray()) {
            reduced[a] = true;
        }
        RefArray out = RefArray.zeros(outType);
        boolean sum = r.kind() == Reduce.Kind.SUM;
        java.util.Arrays.fill(out.data(), sum ? 0.0 : Double.NEGATIVE_INFINITY);
        int[] outStrides = new int[x.rank()];
        int acc = 1;
        for (int a = x.rank() - 1; a >= 0; a--) {
            if (!reduced[a]) {
                outStrides[a] = acc;
                acc *= x.shape()[a];
            }
        }
        int[] idx = new int[x.rank()];
        for (int i = 0; i < x.size(); i++) {
            int o = 0;
            for (int a = 0; a < idx.length; a++) {
                o += idx[a] * outStrides[a];
            }
            double v = x.data()[i];
            out.data()[o] = sum ? out.data()[o] + v : Math.max(out.data()[o], v);
            ShapeOps.next(idx, x.shape());
        }
        for (int i = 0; i < out.size(); i++) {
            out.data()[i] = RefArray.round(outType.dtype(), out.data()[i]);
        }
        return out;
    }

    /** To {@code to}: floats to i32 truncate toward zero (NaN to 0, out of range saturating); to a half type rounds to nearest even. */
    static RefArray convert(RefArray x, DType to) {
        RefArray out = RefArray.zeros(to, x.shape());
        for (int i = 0; i < out.size(); i++) {
            double v = x.data()[i];
            out.data()[i] = to == DType.I32 ? (int) v : RefArray.roundToStorage(to, v);
        }
        return out;
    }

    /**
     * {@code dot_general}: operands moved to {@code [B, M, K]} and {@code [B, K, N]} (batch, free,
     * contracting axes, as StableHLO orders the result), multiplied and summed in double.
     */
    static RefArray dotGeneral(DotGeneral d, RefArray lhs, RefArray rhs, TensorType outType) {
        int[] lb = d.lhsBatch().toArray();
        int[] lc = d.lhsContracting().toArray();
        int[] rb = d.rhsBatch().toArray();
        int[] rc = d.rhsContracting().toArray();
        int[] lf = d.lhsFree(lhs.rank());
        int[] rf = d.rhsFree(rhs.rank());
        RefArray l = ShapeOps.transpose(lhs, concat(lb, lf, lc));
        RefArray r = ShapeOps.transpose(rhs, concat(rb, rc, rf));
        int b = dims(lhs, lb);
        int m = dims(lhs, lf);
        int k = dims(lhs, lc);
        int n = dims(rhs, rf);
        RefArray out = RefArray.zeros(outType);
        double[] x = l.data();
        double[] y = r.data();
        for (int bi = 0; bi < b; bi++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int c = 0; c < k; c++) {
                        s += x[(bi * m + i) * k + c] * y[(bi * k + c) * n + j];
                    }
                    out.data()[(bi * m + i) * n + j] = RefArray.round(outType.dtype(), s);
                }
            }
        }
        return out;
    }

    private static int dims(RefArray x, int[] axes) {
        int p = 1;
        for (int a : axes) {
            p *= x.shape()[a];
        }
        return p;
    }

    private static int[] concat(int[]... parts) {
        return java.util.Arrays.stream(parts).flatMapToInt(java.util.Arrays::stream).toArray();
    }
}
