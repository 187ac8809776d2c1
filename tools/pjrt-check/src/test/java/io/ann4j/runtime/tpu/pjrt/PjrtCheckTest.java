package io.ann4j.runtime.tpu.pjrt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ann4j.runtime.tpu.stablehlo.StableHloChecker;
import io.ann4j.runtime.tpu.stablehlo.StableHloEmitter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pieces of {@link PjrtCheck} that need no plugin: its problem, its exact answer, its files. */
class PjrtCheckTest {
    @TempDir
    Path dir;

    @Test
    void theDataAreTheSameOnEveryRunAndDependOnTheSeed() {
        MipsProblem p = new MipsProblem(3, 50, 8, 4, 0.95f, 42);
        assertArrayEquals(p.database(), p.database());
        assertArrayEquals(p.queries(), new MipsProblem(3, 50, 8, 4, 0.95f, 42).queries());
        assertFalse(Arrays.equals(p.database(), new MipsProblem(3, 50, 8, 4, 0.95f, 43).database()));
        assertFalse(Arrays.equals(Arrays.copyOf(p.database(), 24), p.queries()), "queries are not the database's rows");
        // java.util.Random's Gaussian sequence is specified: the first draw of seed 42 is fixed
        assertEquals((float) new java.util.Random(42).nextGaussian(), p.database()[0]);
    }

    @Test
    void exactTopKIsTheSortedBestRowsOfEveryQuery() {
        MipsProblem p = new MipsProblem(5, 200, 16, 7, 0.95f, 7);
        float[] db = p.database();
        float[] qy = p.queries();
        int[] exact = p.exactTopK(qy, db);
        for (int q = 0; q < p.q(); q++) {
            int query = q;
            int[] bySort = IntStream.range(0, p.n()).boxed()
                    .sorted(Comparator.comparingDouble((Integer r) -> -MipsProblem.score(qy, db, p.d(), query, r)))
                    .limit(p.k()).mapToInt(Integer::intValue).toArray();
            assertArrayEquals(bySort, Arrays.copyOfRange(exact, q * p.k(), (q + 1) * p.k()), "query " + q);
        }
        assertEquals(1.0, p.recallOf(exact, exact));
        int[] half = exact.clone();
        for (int q = 0; q < p.q(); q++) {
            for (int j = 0; j < 3; j++) {
                half[q * p.k() + j] = -1; // 3 of 7 results wrong in every query
            }
        }
        assertEquals(4.0 / 7, p.recallOf(half, exact), 1e-12);
    }

    @Test
    void theCheckedProgramIsTheSeedsMipsAndLowersForEveryPlatform() {
        MipsProblem p = new MipsProblem(16, 300, 32, 10, 0.9f, 1);
        for (boolean tpu : List.of(true, false)) {
            String module = StableHloEmitter.emit(p.graph(), "mips", tpu);
            assertEquals(List.of(), StableHloChecker.check(module));
            assertTrue(module.contains("@ApproxTopK") && module.contains("top_k = 10 : i64")
                    && module.contains("recall_target = 0.899999976 : f32"), module);
            assertEquals(!tpu, module.contains("is_fallback = true"));
        }
    }

    @Test
    void aHalfDatabaseIsStoredRoundedToNearestEvenAndTheProgramConvertsIt() {
        MipsProblem p = new MipsProblem(16, 300, 32, 10, 0.9f, 1);
        float[] db = {1f + 0x1p-8f, 1f + 3 * 0x1p-8f, -0f, 65520f, 1f + 0x1p-11f};
        short[] bf16 = MipsProblem.halfBits(db, io.ann4j.compiler.ir.DType.BF16);
        assertArrayEquals(new float[] {1f, 1f + 0x1p-6f, -0f, 65536f, 1f},
                MipsProblem.widen(bf16, io.ann4j.compiler.ir.DType.BF16)); // ties to even
        short[] f16 = MipsProblem.halfBits(db, io.ann4j.compiler.ir.DType.F16);
        float[] wide = MipsProblem.widen(f16, io.ann4j.compiler.ir.DType.F16);
        assertEquals(Float.POSITIVE_INFINITY, wide[3], "65520 rounds past f16's largest finite value");
        assertEquals(1f, wide[4], "a tie at f16's last place goes to the even 1.0");
        assertThrows(IllegalArgumentException.class, () -> MipsProblem.halfBits(db, io.ann4j.compiler.ir.DType.F32));
        String module = StableHloEmitter.emit(p.graph(io.ann4j.compiler.ir.DType.BF16), "mips", false);
        assertTrue(module.contains("%arg1: tensor<300x32xbf16>")
                && module.contains("stablehlo.convert %arg1 : (tensor<300x32xbf16>) -> tensor<300x32xf32>"), module);
        assertEquals(List.of(), StableHloChecker.check(module));
    }

    @Test
    void theCpuReferenceSearchesAHalfDatabaseAsStored() {
        MipsProblem p = new MipsProblem(32, 3000, 32, 10, 0.95f, 5);
        float[] qy = p.queries();
        for (io.ann4j.compiler.ir.DType type : List.of(io.ann4j.compiler.ir.DType.BF16, io.ann4j.compiler.ir.DType.F16)) {
            float[] stored = MipsProblem.widen(MipsProblem.halfBits(p.database(), type), type);
            CpuReference.Answer a = CpuReference.search(p, qy, stored, type);
            assertTrue(p.recallOf(a.indices(), p.exactTopK(qy, stored)) >= 0.95, type.toString());
            for (int i = 0; i < a.indices().length; i++) {
                assertEquals(MipsProblem.score(qy, stored, p.d(), i / p.k(), a.indices()[i]), a.values()[i], 1e-3);
            }
        }
    }

    @Test
    void badShapesAreRefusedWithTheirValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MipsProblem(4, 5, 8, 6, 0.95f, 1));
        assertTrue(e.getMessage().contains("k=6") && e.getMessage().contains("n=5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MipsProblem(4, 50, 8, 6, 1.5f, 1));
        assertThrows(IllegalArgumentException.class, () -> new MipsProblem(4, 20_000_000, 128, 6, 0.9f, 1));
    }

    @Test
    void arraysRoundTripAsNpyAndAWrongShapeIsRefused() throws IOException {
        int[] ints = {1, -2, 3, 4, 5, 6};
        CheckArrays.write(dir.resolve("i.npy"), ints, 2, 3);
        assertArrayEquals(ints, CheckArrays.readInts(dir.resolve("i.npy"), 2, 3));
        byte[] bytes = Files.readAllBytes(dir.resolve("i.npy"));
        assertEquals(0, (bytes.length - ints.length * 4) % 64, "the data start 64-byte aligned");
        IOException wrong = assertThrows(IOException.class, () -> CheckArrays.readInts(dir.resolve("i.npy"), 3, 2));
        assertTrue(wrong.getMessage().contains("(3, 2)"), wrong.getMessage());
        CheckArrays.write(dir.resolve("f.npy"), new float[] {1.5f, 2.5f}, 2);
        assertThrows(IOException.class, () -> CheckArrays.readInts(dir.resolve("f.npy"), 2), "floats are not ints");
        assertTrue(new String(Files.readAllBytes(dir.resolve("f.npy"))).contains("'shape': (2,)"));
        assertThrows(IllegalArgumentException.class, () -> CheckArrays.write(dir.resolve("x.npy"), ints, 4, 2));
    }

    @Test
    void theCpuReferenceMeetsTheRecallTarget() {
        MipsProblem p = new MipsProblem(64, 5000, 32, 10, 0.95f, 3);
        float[] db = p.database();
        float[] qy = p.queries();
        CpuReference.Answer a = CpuReference.search(p, qy, db);
        assertTrue(p.recallOf(a.indices(), p.exactTopK(qy, db)) >= 0.95);
        for (int i = 0; i < a.indices().length; i++) {
            assertEquals(MipsProblem.score(qy, db, p.d(), i / p.k(), a.indices()[i]), a.values()[i], 1e-3);
        }
    }
}
