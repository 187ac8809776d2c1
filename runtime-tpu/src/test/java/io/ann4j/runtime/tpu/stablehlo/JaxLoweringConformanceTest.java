package io.ann4j.runtime.tpu.stablehlo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import io.ann4j.compiler.ir.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * ann4j's lowering of the seed's MIPS program against the module JAX itself printed for it:
 * {@code jax.jit(lambda q, x: jax.lax.approx_max_k(jnp.dot(q, x.T), 10, recall_target=0.95))
 * .lower(qy, db).as_text()} with JAX 0.11.2 on its CUDA plugin, qy f32[1024, 128], db f32[100000,
 * 128] (made by {@code tools/device/jax_compare.py}; the same run found the two modules' answers
 * identical on an H200). Compared line by line up to SSA names, where the programs agree; the
 * known differences are checked to be only these: JAX's module is named after the lambda and
 * tags results with {@code jax.result_info}, and JAX transposes the database before the product
 * while ann4j contracts the database's rows directly (the transpose folded into {@code
 * dot_general}, which XLA does on its own).
 */
class JaxLoweringConformanceTest {
    private static final String FIXTURE = "/stablehlo/jax/jax-0.11.2-cuda-mips-1024x100000x128-k10.mlir";

    @Test
    void theSeedsProgramLowersAsJaxLowersItForCuda() throws IOException {
        List<String> jax = lines(fixture());
        List<String> ours = lines(StableHloEmitter.emit(StableHloEmitterTest.mips(1024, 100_000, true), "mips", false));

        assertSelectionAgrees(jax, ours, "f32", "dense<0xFF800000>");
        // the product: JAX transposes first, ann4j folds the transpose; same precision
        assertTrue(line(jax, "stablehlo.dot_general").contains("contracting_dims = [1] x [0], precision = [DEFAULT, DEFAULT]"));
        assertTrue(line(ours, "stablehlo.dot_general").contains("contracting_dims = [1] x [1], precision = [DEFAULT, DEFAULT]"));
        assertTrue(line(jax, "stablehlo.transpose").contains("dims = [1, 0]"));
        assertEquals(List.of(), StableHloChecker.check(fixture()), "the checker accepts JAX's own module");
    }

    /**
     * The same program with half-precision operands (issue 9), against JAX 0.11.2's modules for
     * qy [200, 128] and db [3000, 128] in each pair of dtypes (made by {@code
     * tools/device/jax_half_lowering.py} on its CUDA plugin). Where the dtypes differ, both convert
     * the half database to f32 before the product (jnp.dot's promotion: JAX converts it after its
     * transpose, and also "converts" the f32 queries to themselves); where they agree, the product,
     * the comparator, the init value and the results stay in the half type.
     */
    @ParameterizedTest(name = "qy {0}, db {1}")
    @CsvSource({"F32,BF16", "BF16,BF16", "F32,F16", "F16,F16"})
    void halfPrecisionProgramsLowerAsJaxLowersThem(DType qyType, DType dbType) throws IOException {
        String name = "/stablehlo/jax/jax-0.11.2-cuda-mips-" + qyType.name().toLowerCase() + "-"
                + dbType.name().toLowerCase() + "-200x3000x128-k10.mlir";
        String jaxModule = fixture(name);
        List<String> jax = lines(jaxModule);
        List<String> ours = lines(StableHloEmitter.emit(StableHloEmitterTest.halfMips(qyType, dbType), "mips", false));
        String scores = qyType == dbType ? qyType.name().toLowerCase() : "f32";

        assertSelectionAgrees(jax, ours, scores, "stablehlo.constant dense<0x");
        assertTrue(line(jax, "stablehlo.dot_general").contains("precision = [DEFAULT, DEFAULT]")
                && line(ours, "stablehlo.dot_general").contains("precision = [DEFAULT, DEFAULT]"));
        String half = dbType.name().toLowerCase();
        if (qyType == dbType) {
            assertTrue(jax.stream().noneMatch(l -> l.contains("stablehlo.convert")), jaxModule);
            assertTrue(ours.stream().noneMatch(l -> l.contains("stablehlo.convert")), String.join("\n", ours));
        } else {
            assertTrue(line(jax, "stablehlo.convert %0").endsWith("(tensor<128x3000x" + half + ">) -> tensor<128x3000xf32>"));
            assertTrue(line(ours, "stablehlo.convert %arg1").endsWith("(tensor<3000x128x" + half + ">) -> tensor<3000x128xf32>"));
        }
        assertEquals(List.of(), StableHloChecker.check(jaxModule), "the checker accepts JAX's own module");
    }

    /**
     * What both programs share with JAX's module whatever the dtypes: the comparator function,
     * whole; main's signature, without JAX's result names; the ApproxTopK call (operands in the
     * same roles, attributes and types identical); the iota, the -1 and the init value (the line
     * holding {@code initConstant}); and the product's result type.
     */
    private static void assertSelectionAgrees(List<String> jax, List<String> ours, String scores, String initConstant) {
        String comparator = "@top_k_gt_" + scores + "_comparator";
        assertEquals(function(jax, comparator), function(ours, comparator));
        assertEquals(line(jax, "func.func public @main").replaceAll(" \\{jax\\.result_info = \"[^\"]*\"}", ""),
                line(ours, "func.func public @main"));
        assertEquals(afterOperands(line(jax, "@ApproxTopK(")), afterOperands(line(ours, "@ApproxTopK(")));
        for (String op : List.of("stablehlo.iota", "dense<-1>", initConstant)) {
            assertEquals(withoutNames(line(jax, op)), withoutNames(line(ours, op)), op);
        }
        String jaxDot = line(jax, "stablehlo.dot_general");
        String ourDot = line(ours, "stablehlo.dot_general");
        assertEquals(jaxDot.substring(jaxDot.lastIndexOf("->")), ourDot.substring(ourDot.lastIndexOf("->")));
    }

    private static String fixture() throws IOException {
        return fixture(FIXTURE);
    }

    private static String fixture(String name) throws IOException {
        try (InputStream in = JaxLoweringConformanceTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<String> lines(String module) {
        return Arrays.stream(module.split("\n")).map(String::strip).toList();
    }

    private static String line(List<String> module, String containing) {
        return module.stream().filter(l -> l.contains(containing)).findFirst()
                .orElseThrow(() -> new AssertionError("no line with " + containing + " in\n" + String.join("\n", module)));
    }

    private static List<String> function(List<String> module, String name) {
        int start = module.indexOf(line(module, "func.func " + name));
        return module.subList(start, module.subList(start, module.size()).indexOf("}") + start + 1);
    }

    /** The call from its attributes on: what follows the operand list. */
    private static String afterOperands(String call) {
        return call.substring(call.indexOf(") {"));
    }

    /** The op after {@code %name =}, its operands' names dropped. */
    private static String withoutNames(String line) {
        return line.substring(line.indexOf(" = ") + 3).replaceAll("%[\\w#]+", "%");
    }
}
