package io.ann4j.runtime.tpu;

import static io.ann4j.dsl.Ops.approxMaxK;
import static io.ann4j.dsl.Ops.dot;
import static io.ann4j.dsl.Ops.sum;
import static io.ann4j.dsl.Ops.transpose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.ann4j.dsl.Autodiff;
import io.ann4j.dsl.Jit;
import io.ann4j.dsl.JitConfig;
import io.ann4j.dsl.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A cross-check of two backends (test scope only): the emulator's gradient of a search is the CPU backend's. */
class EmulatorGradientTest {
    @Test
    void theCpuAndTpuBackendsGiveTheSameGradient() {
        Nd4j.getRandom().setSeed(12);
        INDArray qy = Nd4j.randn(DataType.FLOAT, 8, 16);
        INDArray db = Nd4j.randn(DataType.FLOAT, 600, 16);
        Function3 f = (q, d) -> Autodiff.valueAndGrad((Tensor a, Tensor b) -> sum(approxMaxK(dot(a, transpose(b)), 4, 1.0).values()),
                0, 1).apply(q, d).grads();
        Tensor[] cpu = Jit.jit(f::apply, JitConfig.defaults().backend("cpu")).call(qy, db);
        Tensor[] tpu = Jit.jit(f::apply, JitConfig.defaults().backend("tpu")).call(qy, db);
        assertClose(cpu[0].array(), tpu[0].array(), 1e-5, "d qy");
        assertClose(cpu[1].array(), tpu[1].array(), 1e-5, "d db");
        assertArrayEquals(cpu[1].shape(), tpu[1].shape());
    }

    private static void assertClose(INDArray a, INDArray b, double tol, String what) {
        double[] x = a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] y = b.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        assertArrayEquals(x, y, tol, what);
    }

    interface Function3 {
        Tensor[] apply(Tensor q, Tensor d);
    }
}
