package io.ann4j.runtime.cpu.kernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * What a process's first kernel needs before it can run, done ahead on the prewarm thread
 * ({@link io.ann4j.compiler.spi.Prewarm}): the seed's kernel read from the bundled or persistent
 * cache and, on a few lanes, each Vector API and memory-segment operation the generated kernels
 * use (loading from a tile segment, the total-order key, the threshold and bin compares, blends,
 * stores). In a cold JVM these cost 15–20 ms of class loading and intrinsic linking; here they
 * run beside the caller's trace. The values computed are thrown away.
 */
final class KernelWarmup {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;

    private KernelWarmup() {}

    /** Runs the warm-up once; returns a value only so that no step is dead code. */
    static long run() {
        long sink = 0;
        try {
            // the seed's search (plain scores, max): bundled or in the persistent cache, never javac
            Kernels.withoutCompiling(() -> Kernels.scanner(new Epilogue.Score(), true));
        } catch (KernelCache.NotCompiled e) {
            // not cached: the operations below still load the Vector API
        }
        int lanes = F.length();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment tile = arena.allocate(4L * lanes, 64);
            for (int i = 0; i < lanes; i++) {
                tile.setAtIndex(ValueLayout.JAVA_FLOAT, i, i - lanes / 2f);
            }
            // exactly the operations of the generated kernels (KernelGenerator): each further one
            // would only link a lambda the first kernel does not use
            FloatVector s = FloatVector.fromMemorySegment(F, tile, 0, ByteOrder.nativeOrder());
            IntVector bits = s.reinterpretAsInts();
            IntVector key = bits.lanewise(VectorOperators.XOR, bits.lanewise(VectorOperators.ASHR, 31)
                    .lanewise(VectorOperators.AND, 0x7fffffff)).lanewise(VectorOperators.NOT);
            int[] bk = new int[I.length()];
            int[] bi = new int[I.length()];
            IntVector cur = IntVector.fromArray(I, bk, 0);
            IntVector curI = IntVector.fromArray(I, bi, 0);
            VectorMask<Integer> better = key.compare(VectorOperators.GT, cur).or(curI.compare(VectorOperators.LT, 0));
            if (better.anyTrue()) {
                cur.blend(key, better).intoArray(bk, 0);
                curI.blend(curI.add(3), better).intoArray(bi, 0);
            }
            VectorMask<Float> hit = s.compare(VectorOperators.LT, FloatVector.broadcast(F, 0f)).not();
            if (hit.anyTrue()) {
                key.intoArray(bk, 0);
                sink += Long.numberOfTrailingZeros(hit.toLong());
            }
            sink += bk[0] + bi[0];
        }
        return sink;
    }
}
