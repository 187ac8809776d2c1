package io.ann4j.compiler.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.ir.Dims;
import io.ann4j.compiler.ir.GraphBuilder;
import io.ann4j.compiler.ir.TensorType;
import io.ann4j.compiler.ir.Value;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every op of the sealed {@link Op} interface is a record with a shape rule that this suite
 * exercises: adding an op without a sample here fails the build.
 */
class OpRegistryTest {

    /** An op applied to inputs, with the types its shape rule must give. */
    record Sample(Op op, List<TensorType> inputs, List<TensorType> outputs) {}

    static TensorType f32(int... shape) {
        return TensorType.of(DType.F32, shape);
    }

    static TensorType i32(int... shape) {
        return TensorType.of(DType.I32, shape);
    }

    static final Map<Class<? extends Op>, Sample> SAMPLES = samples();

    private static Map<Class<? extends Op>, Sample> samples() {
        Map<Class<? extends Op>, Sample> m = new LinkedHashMap<>();
        m.put(ApproxTopK.class, new Sample(new ApproxTopK(ApproxTopKParams.defaults(10, true)),
                List.of(f32(200, 500)), List.of(f32(200, 10), i32(200, 10))));
        m.put(BinaryOp.class, new Sample(new BinaryOp(BinaryOp.Kind.SUB),
                List.of(f32(2, 3), f32(2, 3)), List.of(f32(2, 3))));
        m.put(BroadcastInDim.class, new Sample(new BroadcastInDim(Dims.of(200, 500), Dims.of(1)),
                List.of(f32(500)), List.of(f32(200, 500))));
        m.put(Concatenate.class, new Sample(new Concatenate(0),
                List.of(f32(2, 3), f32(4, 3)), List.of(f32(6, 3))));
        m.put(Constant.class, new Sample(new Constant(0.5, DType.F32), List.of(), List.of(f32())));
        m.put(Convert.class, new Sample(new Convert(DType.BF16),
                List.of(f32(2, 3)), List.of(TensorType.of(DType.BF16, 2, 3))));
        GraphBuilder cb = new GraphBuilder();
        Value cx = cb.parameter(f32(2, 3));
        io.ann4j.compiler.ir.Graph cPrimal = cb.build(List.of(cb.add1(new UnaryOp(UnaryOp.Kind.EXP), cx)));
        GraphBuilder rb = new GraphBuilder();
        Value rx = rb.parameter(f32(2, 3));
        Value rct = rb.parameter(f32(2, 3));
        io.ann4j.compiler.ir.Graph cRule = rb.build(List.of(rct));
        m.put(CustomDerivative.class, new Sample(new CustomDerivative("straightThroughExp", cPrimal, cRule, CustomDerivative.Kind.VJP),
                List.of(f32(2, 3)), List.of(f32(2, 3))));
        m.put(DotGeneral.class, new Sample(DotGeneral.dot(2),
                List.of(f32(200, 128), f32(128, 500)), List.of(f32(200, 500))));
        GraphBuilder b = new GraphBuilder();
        Value qy = b.parameter(f32(8, 16));
        Value db = b.parameter(f32(300, 16));
        Value scores = b.add1(new DotGeneral(Dims.of(1), Dims.of(1), Dims.empty(), Dims.empty()), qy, db);
        List<Value> top = b.add(new ApproxTopK(ApproxTopKParams.defaults(5, true)), List.of(scores));
        m.put(FusedRegion.class, new Sample(new FusedRegion(b.build(top)),
                List.of(f32(8, 16), f32(300, 16)), List.of(f32(8, 5), i32(8, 5))));
        m.put(GatherRows.class, new Sample(new GatherRows(0),
                List.of(f32(1000, 128), i32(200, 10)), List.of(f32(200, 10, 128))));
        m.put(Iota.class, new Sample(new Iota(DType.I32, Dims.of(3, 7), 1), List.of(), List.of(i32(3, 7))));
        m.put(Reduce.class, new Sample(new Reduce(Reduce.Kind.SUM, Dims.of(1)),
                List.of(f32(2, 3, 4)), List.of(f32(2, 4))));
        m.put(Reshape.class, new Sample(new Reshape(Dims.of(6, 4)), List.of(f32(2, 3, 4)), List.of(f32(6, 4))));
        m.put(ScatterAddRows.class, new Sample(new ScatterAddRows(0, 1000),
                List.of(f32(200, 10, 128), i32(200, 10)), List.of(f32(1000, 128))));
        m.put(Slice.class, new Sample(new Slice(Dims.of(0, 1), Dims.of(2, 10), Dims.of(1, 3)),
                List.of(f32(4, 10)), List.of(f32(2, 3))));
        m.put(SortKeyVal.class, new Sample(new SortKeyVal(1),
                List.of(f32(4, 8), i32(4, 8)), List.of(f32(4, 8), i32(4, 8))));
        m.put(TopK.class, new Sample(new TopK(3), List.of(f32(5, 7)), List.of(f32(5, 3), i32(5, 3))));
        m.put(Transpose.class, new Sample(new Transpose(Dims.of(1, 0)), List.of(f32(2, 3)), List.of(f32(3, 2))));
        m.put(UnaryOp.class, new Sample(new UnaryOp(UnaryOp.Kind.SQRT), List.of(f32(2, 3)), List.of(f32(2, 3))));
        return m;
    }

    private static Set<String> names(Stream<Class<?>> classes) {
        return classes.map(Class::getSimpleName).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void everyPermittedOpHasASample() {
        Set<String> permitted = names(Arrays.stream(Op.class.getPermittedSubclasses()));
        Set<String> sampled = names(SAMPLES.keySet().stream().map(c -> c));
        assertEquals(permitted, sampled, "ops without a shape-rule sample (or samples of ops no longer permitted)");
    }

    @Test
    void everyPermittedOpIsARecord() {
        for (Class<?> c : Op.class.getPermittedSubclasses()) {
            assertTrue(c.isRecord(), () -> c.getName() + " is not a record: ops must compare by value (graphs are cache keys)");
        }
    }

    @TestFactory
    Stream<DynamicTest> everySampleInfersItsTypes() {
        return SAMPLES.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey().getSimpleName(), () -> {
            Sample s = e.getValue();
            assertEquals(e.getKey(), s.op().getClass());
            assertEquals(s.outputs(), s.op().inferTypes(s.inputs()), () -> s.op() + " on " + s.inputs());
        }));
    }

    /**
     * Every op has its differentiation rules: forward and reverse transforms of a one-op graph
     * succeed (fused regions are refused by name: differentiation runs before fusion; a custom
     * VJP refuses forward mode, as in JAX), and the transformed graphs type-check.
     */
    @TestFactory
    Stream<DynamicTest> everyOpHasDerivativeRules() {
        return SAMPLES.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey().getSimpleName(), () -> {
            Sample s = e.getValue();
            GraphBuilder b = new GraphBuilder();
            List<Value> params = s.inputs().stream().map(b::parameter).toList();
            io.ann4j.compiler.ir.Graph g = b.build(b.add(s.op(), params));
            boolean[] all = new boolean[params.size()];
            java.util.Arrays.fill(all, true);
            if (s.op() instanceof FusedRegion) {
                var err = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                        () -> io.ann4j.compiler.autodiff.Jvp.jvp(g, all));
                assertTrue(err.getMessage().contains("before fusion"), err.getMessage());
                return;
            }
            io.ann4j.compiler.ir.Graph rev = io.ann4j.compiler.autodiff.Vjp.vjp(g, all);
            long floating = s.inputs().stream().filter(t -> t.dtype().isFloating()).count();
            assertEquals(s.outputs().size() + floating, rev.results().size());
            if (s.op() instanceof CustomDerivative c && c.kind() == CustomDerivative.Kind.VJP) {
                org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                        () -> io.ann4j.compiler.autodiff.Jvp.jvp(g, all));
                return;
            }
            io.ann4j.compiler.ir.Graph fwd = io.ann4j.compiler.autodiff.Jvp.jvp(g, all);
            assertEquals(2 * s.outputs().size(), fwd.results().size());
            assertEquals(s.outputs(), fwd.resultTypes().subList(s.outputs().size(), fwd.results().size()),
                    "tangents have their outputs' types");
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyOpHasANameAndComparesByValue() {
        Map<Class<? extends Op>, Sample> again = samples();
        return SAMPLES.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey().getSimpleName(), () -> {
            Op op = e.getValue().op();
            Op twin = again.get(e.getKey()).op();
            assertFalse(op.name().isBlank());
            assertNotEquals(op.getClass().getName(), op.name());
            assertEquals(twin, op);
            assertEquals(twin.hashCode(), op.hashCode());
            assertEquals(twin.toString(), op.toString());
        }));
    }
}
