package io.ann4j.runtime.tpu.pjrt;

import io.ann4j.compiler.passes.CompileOptions;
import io.ann4j.compiler.spi.Executable;
import io.ann4j.runtime.cpu.CpuBackend;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The CPU backend's answer to a {@link MipsProblem}, for {@link PjrtCheck} to compare a plugin
 * with. Kept apart so that a machine running only the plugin check never loads ND4J's native
 * backend (the check itself needs none).
 */
final class CpuReference {
    /** Row-major {@code [q, k]} values and indices. */
    record Answer(float[] values, int[] indices) {}

    private CpuReference() {}

    static Answer search(MipsProblem p, float[] qy, float[] db) {
        Executable executable = new CpuBackend().compile(p.graph(), CompileOptions.defaults());
        INDArray q = Nd4j.create(qy, new long[] {p.q(), p.d()}, 'c');
        INDArray d = Nd4j.create(db, new long[] {p.n(), p.d()}, 'c');
        List<INDArray> out = executable.execute(List.of(q, d));
        return new Answer(out.get(0).castTo(DataType.FLOAT).dup('c').reshape(-1).toFloatVector(),
                out.get(1).castTo(DataType.INT).dup('c').reshape(-1).toIntVector());
    }
}
