package io.ann4j.runtime.tpu.pjrt;

import io.ann4j.compiler.ir.DType;
import io.ann4j.compiler.passes.CompileOptions;
import io.ann4j.compiler.spi.Executable;
import io.ann4j.runtime.cpu.CpuBackend;
import io.ann4j.compiler.spi.HalfArrays;
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
        return search(p, qy, db, DType.F32);
    }

    /** As above, the database given to the backend stored as {@code dbType} (rounded as JAX converts). */
    static Answer search(MipsProblem p, float[] qy, float[] db, DType dbType) {
        Executable executable = new CpuBackend().compile(p.graph(dbType), CompileOptions.defaults());
        INDArray q = Nd4j.create(qy, new long[] {p.q(), p.d()}, 'c');
        INDArray d = Nd4j.create(db, new long[] {p.n(), p.d()}, 'c');
        if (dbType != DType.F32) {
            d = HalfArrays.floatToHalf(d, dbType);
        }
        List<INDArray> out = executable.execute(List.of(q, d));
        return new Answer(out.get(0).castTo(DataType.FLOAT).dup('c').reshape(-1).toFloatVector(),
                out.get(1).castTo(DataType.INT).dup('c').reshape(-1).toIntVector());
    }
}
