package io.ann4j.compiler.testing;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.Graph;
import io.ann4j.compiler.ir.Node;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.ir.Value;
import io.ann4j.compiler.ops.ApproxTopK;
import io.ann4j.compiler.ops.BinaryOp;
import io.ann4j.compiler.ops.BroadcastInDim;
import io.ann4j.compiler.ops.Concatenate;
import io.ann4j.compiler.ops.Constant;
import io.ann4j.compiler.ops.Convert;
import io.ann4j.compiler.ops.DotGeneral;
import io.ann4j.compiler.ops.FusedRegion;
import io.ann4j.compiler.ops.GatherRows;
import io.ann4j.compiler.ops.Iota;
import io.ann4j.compiler.ops.Op;
import io.ann4j.compiler.ops.Reduce;
import io.ann4j.compiler.ops.Reshape;
import io.ann4j.compiler.ops.CustomDerivative;
import io.ann4j.compiler.ops.ScatterAddRows;
import io.ann4j.compiler.ops.Slice;
import io.ann4j.compiler.ops.SortKeyVal;
import io.ann4j.compiler.ops.TopK;
import io.ann4j.compiler.ops.Transpose;
import io.ann4j.compiler.ops.UnaryOp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A slow, obviously-correct interpreter of compiler graphs over {@code double} arrays, so the
 * passes' tests can check that a rewritten graph computes what the original did (the compiler
 * module has no backend of its own). Every element is held as a double whatever its dtype;
 * approximate top-k is evaluated exactly (the CPU fallback: a sort sliced to the output size) in
 * the total order with lower indices first among ties.
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

    /** Runs {@code graph} on {@code args}. */
    public static List<Tensor> run(Graph graph, List<Tensor> args) {
        if (args.size() != graph.parameters().size()) {
            throw new IllegalArgumentException("expected " + graph.parameters().size() + " arguments, got " + args.size());
        }
        Map<Value, Tensor> env = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            Value p = graph.parameters().get(i);
            if (!p.type().equals(args.get(i).type())) {
                throw new IllegalArgumentException("argument " + i + " is " + args.get(i).type() + ", parameter is " + p.type());
            }
            env.put(p, args.get(i));
        }
        for (Node n : graph.nodes()) {
            List<Tensor> ins = n.inputs().stream().map(env::get).toList();
            List<TensorType> outTypes = n.outputs().stream().map(Value::type).toList();
            List<Tensor> outs = apply(n.op(), ins, outTypes);
            for (int i = 0; i < outs.size(); i++) {
                env.put(n.outputs().get(i), outs.get(i));
            }
        }
        return graph.results().stream().map(env::get).toList();
    }

    private static List<Tensor> apply(Op op, List<Tensor> ins, List<TensorType> outTypes) {
        TensorType out = outTypes.get(0);
        return switch (op) {
            case Constant c -> List.of(new Tensor(out, new double[] {c.value()}));
            case Iota i -> List.of(map(out, idx -> idx[i.dimension()]));
            case Convert c -> List.of(convert(ins.get(0), out));
            case UnaryOp u -> List.of(map(out, idx -> unary(u.kind(), ins.get(0).at(idx))));
            case BinaryOp b -> List.of(map(out, idx -> binary(b.kind(), ins.get(0).at(idx), ins.get(1).at(idx))));
            case BroadcastInDim bc -> List.of(map(out, idx -> {
                TensorType t = ins.get(0).type();
                int[] src = new int[t.rank()];
                for (int d = 0; d < t.rank(); d++) {
                    src[d] = t.dim(d) == 1 ? 0 : idx[bc.broadcastDimensions().get(d)];
                }
                return ins.get(0).at(src);
            }));
            case Transpose t -> List.of(map(out, idx -> {
                int[] src = new int[idx.length];
                for (int d = 0; d < idx.length; d++) {
                    src[t.permutation().get(d)] = idx[d];
                }
                return ins.get(0).at(src);
            }));
            case Reshape r -> List.of(new Tensor(out, ins.get(0).data().clone()));
            case Slice s -> List.of(map(out, idx -> {
                int[] src = new int[idx.length];
                for (int d = 0; d < idx.length; d++) {
                    src[d] = s.start().get(d) + idx[d] * s.strides().get(d);
                }
                return ins.get(0).at(src);
            }));
            case Concatenate c -> List.of(map(out, idx -> {
                int[] src = idx.clone();
                for (Tensor t : ins) {
                    int size = t.type().dim(c.dimension());
                    if (src[c.dimension()] < size) {
                        return t.at(src);
                    }
                    src[c.dimension()] -= size;
                }
                throw new IllegalStateException("index past the concatenation");
            }));
            case Reduce r -> List.of(reduce(r, ins.get(0), out));
            case DotGeneral d -> List.of(dot(d, ins.get(0), ins.get(1), out));
            case TopK t -> select(ins.get(0), ins.get(0).type().rank() - 1, t.k(), true, outTypes);
            case ApproxTopK a -> {
                int axis = a.params().axis(ins.get(0).type().rank());
                int size = out.dim(axis);
                if (size > ins.get(0).type().dim(axis)) {
                    throw new IllegalStateException(a.name() + " asks for " + size + " results from " + ins.get(0).type());
                }
                yield select(ins.get(0), axis, size, a.params().isMaxK(), outTypes);
            }
            case SortKeyVal s -> sortKeyVal(s.dimension(), ins.get(0), ins.get(1));
            case GatherRows g -> List.of(gather(g.batchDims(), ins.get(0), ins.get(1), out));
            case CustomDerivative c -> run(c.primal(), ins);
            case ScatterAddRows s -> List.of(scatterAdd(s.batchDims(), ins.get(0), ins.get(1), out));
            case FusedRegion f -> run(f.body(), ins);
        };
    }

    private interface IndexFunction {
        double at(int[] index);
    }

    private static Tensor map(TensorType type, IndexFunction f) {
        int[] shape = type.shape().toArray();
        double[] d = new double[Math.toIntExact(type.elementCount())];
        for (int i = 0; i < d.length; i++) {
            d[i] = f.at(unravel(i, shape));
        }
        return new Tensor(type, d);
    }

    private static Tensor convert(Tensor in, TensorType out) {
        double[] d = in.data().clone();
        for (int i = 0; i < d.length; i++) {
            d[i] = switch (out.dtype()) {
                case I32 -> (int) d[i];
                case F32, F16, BF16 -> (float) d[i];
                case F64 -> d[i];
            };
        }
        return new Tensor(out, d);
    }

    private static double unary(UnaryOp.Kind k, double x) {
        return switch (k) {
            case NEG -> -x;
            case SQRT -> Math.sqrt(x);
            case SQUARE -> x * x;
            case ABS -> Math.abs(x);
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case SIGN -> Math.signum(x);
        };
    }

    private static double binary(BinaryOp.Kind k, double x, double y) {
        return switch (k) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
            case MAX -> Math.max(x, y);
            case MIN -> Math.min(x, y);
        };
    }

    private static Tensor reduce(Reduce r, Tensor in, TensorType out) {
        double[] d = new double[Math.toIntExact(out.elementCount())];
        Arrays.fill(d, r.kind() == Reduce.Kind.SUM ? 0 : Double.NEGATIVE_INFINITY);
        int[] inShape = in.type().shape().toArray();
        int[] outShape = out.shape().toArray();
        for (int i = 0; i < in.data().length; i++) {
            int[] idx = unravel(i, inShape);
            int[] o = new int[outShape.length];
            for (int a = 0, j = 0; a < idx.length; a++) {
                if (!r.axes().contains(a)) {
                    o[j++] = idx[a];
                }
            }
            int k = ravel(o, outShape);
            d[k] = r.kind() == Reduce.Kind.SUM ? d[k] + in.data()[i] : Math.max(d[k], in.data()[i]);
        }
        return new Tensor(out, d);
    }

    private static Tensor dot(DotGeneral dg, Tensor lhs, Tensor rhs, TensorType out) {
        int[] lFree = dg.lhsFree(lhs.type().rank());
        int[] rFree = dg.rhsFree(rhs.type().rank());
        int nb = dg.lhsBatch().size();
        int[] cSizes = new int[dg.lhsContracting().size()];
        for (int i = 0; i < cSizes.length; i++) {
            cSizes[i] = lhs.type().dim(dg.lhsContracting().get(i));
        }
        long cCount = io.ann4j.compiler.ir.Dims.of(cSizes).product();
        return map(out, idx -> {
            int[] l = new int[lhs.type().rank()];
            int[] r = new int[rhs.type().rank()];
            for (int i = 0; i < nb; i++) {
                l[dg.lhsBatch().get(i)] = idx[i];
                r[dg.rhsBatch().get(i)] = idx[i];
            }
            for (int i = 0; i < lFree.length; i++) {
                l[lFree[i]] = idx[nb + i];
            }
            for (int i = 0; i < rFree.length; i++) {
                r[rFree[i]] = idx[nb + lFree.length + i];
            }
            double sum = 0;
            for (int c = 0; c < cCount; c++) {
                int[] ci = unravel(c, cSizes);
                for (int i = 0; i < ci.length; i++) {
                    l[dg.lhsContracting().get(i)] = ci[i];
                    r[dg.rhsContracting().get(i)] = ci[i];
                }
                sum += lhs.at(l) * rhs.at(r);
            }
            return sum;
        });
    }

    /** The best {@code size} along {@code axis}: values and their indices, best first, lower index first among ties. */
    private static List<Tensor> select(Tensor in, int axis, int size, boolean max, List<TensorType> outTypes) {
        TensorType vt = outTypes.get(0);
        TensorType it = outTypes.get(1);
        double[] vals = new double[Math.toIntExact(vt.elementCount())];
        double[] idxs = new double[vals.length];
        int n = in.type().dim(axis);
        int[] outShape = vt.shape().toArray();
        for (int o = 0; o < vals.length; o++) {
            int[] oi = unravel(o, outShape);
            if (oi[axis] != 0) {
                continue;
            }
            Integer[] order = new Integer[n];
            double[] line = new double[n];
            for (int j = 0; j < n; j++) {
                int[] src = oi.clone();
                src[axis] = j;
                line[j] = in.at(src);
                order[j] = j;
            }
            Arrays.sort(order, (a, b) -> {
                int c = max ? Double.compare(line[b], line[a]) : Double.compare(line[a], line[b]);
                return c != 0 ? c : Integer.compare(a, b);
            });
            for (int j = 0; j < size; j++) {
                int[] dst = oi.clone();
                dst[axis] = j;
                int k = ravel(dst, outShape);
                vals[k] = line[order[j]];
                idxs[k] = order[j];
            }
        }
        return List.of(new Tensor(vt, vals), new Tensor(it, idxs));
    }

    private static List<Tensor> sortKeyVal(int axis, Tensor keys, Tensor vals) {
        double[] k = new double[keys.data().length];
        double[] v = new double[k.length];
        int[] shape = keys.type().shape().toArray();
        int n = shape[axis];
        for (int o = 0; o < k.length; o++) {
            int[] oi = unravel(o, shape);
            if (oi[axis] != 0) {
                continue;
            }
            Integer[] order = new Integer[n];
            for (int j = 0; j < n; j++) {
                order[j] = j;
            }
            Arrays.sort(order, (a, b) -> {
                int[] ia = oi.clone();
                int[] ib = oi.clone();
                ia[axis] = a;
                ib[axis] = b;
                return Double.compare(keys.at(ia), keys.at(ib));
            });
            for (int j = 0; j < n; j++) {
                int[] dst = oi.clone();
                int[] src = oi.clone();
                dst[axis] = j;
                src[axis] = order[j];
                k[ravel(dst, shape)] = keys.at(src);
                v[ravel(dst, shape)] = vals.at(src);
            }
        }
        return List.of(new Tensor(keys.type(), k), new Tensor(vals.type(), v));
    }

    private static Tensor gather(int b, Tensor operand, Tensor indices, TensorType out) {
        int ni = indices.type().rank() - b;
        return map(out, idx -> {
            int[] ii = Arrays.copyOf(idx, b + ni);
            int row = (int) indices.at(ii);
            int[] src = new int[operand.type().rank()];
            System.arraycopy(idx, 0, src, 0, b);
            src[b] = row;
            System.arraycopy(idx, b + ni, src, b + 1, operand.type().rank() - b - 1);
            return operand.at(src);
        });
    }

    private static Tensor scatterAdd(int b, Tensor updates, Tensor indices, TensorType out) {
        int[] shape = out.shape().toArray();
        double[] d = new double[Math.toIntExact(out.elementCount())];
        int[] ushape = updates.type().shape().toArray();
        int ni = indices.type().rank() - b;
        for (int f = 0; f < updates.data().length; f++) {
            int[] u = unravel(f, ushape);
            int row = (int) indices.at(Arrays.copyOf(u, b + ni));
            if (row < 0 || row >= shape[b]) {
                throw new IllegalArgumentException("scatterAddRows: index " + row + " out of range [0, " + shape[b] + ")");
            }
            int[] dst = new int[shape.length];
            System.arraycopy(u, 0, dst, 0, b);
            dst[b] = row;
            System.arraycopy(u, b + ni, dst, b + 1, shape.length - b - 1);
            d[ravel(dst, shape)] += updates.data()[f];
        }
        return new Tensor(out, d);
    }

    /** Row-major multi-index of flat index {@code flat}. */
    public static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }

    /** Row-major flat index of {@code idx}. */
    public static int ravel(int[] idx, int[] shape) {
        if (idx.length != shape.length) {
            throw new IllegalArgumentException("index " + Arrays.toString(idx) + " for shape " + Arrays.toString(shape));
        }
        int flat = 0;
        for (int d = 0; d < shape.length; d++) {
            if (idx[d] < 0 || idx[d] >= shape[d]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(idx) + " for shape " + Arrays.toString(shape));
            }
            flat = flat * shape[d] + idx[d];
        }
        return flat;
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
