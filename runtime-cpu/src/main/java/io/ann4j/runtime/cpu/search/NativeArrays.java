package io.ann4j.runtime.cpu.search;

import java.lang.foreign.MemorySegment;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Raw views of ND4J arrays for kernels and BLAS: the array must be c-order, dense and unshifted. */
public final class NativeArrays {
    private NativeArrays() {}

    /** {@code a} itself when it is a dense c-order array starting at its buffer, else a copy that is. */
    public static INDArray dense(INDArray a) {
        if (a.isView() || a.ordering() != 'c' || a.offset() != 0 || a.data().offset() != 0) {
            return a.dup('c');
        }
        return a;
    }

    public static long address(INDArray dense) {
        return dense.data().address();
    }

    /** The array's elements as a native segment (valid while the array is reachable). */
    public static MemorySegment segment(INDArray dense) {
        return MemorySegment.ofAddress(address(dense)).reinterpret(dense.length() * dense.dataType().width());
    }

    /** A JavaCPP pointer at a native address. */
    public static Pointer pointer(long at) {
        // (the parameter is not called "address": inside the anonymous class that name is the field)
        return new Pointer() {
            {
                this.address = at;
            }
        };
    }
}
