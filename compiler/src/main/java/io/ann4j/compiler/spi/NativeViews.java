package io.ann4j.compiler.spi;

import java.lang.foreign.MemorySegment;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Raw views of ND4J arrays for kernels, BLAS and device transfers: the elements must be
 * contiguous in c order. Support code every backend may use; it names none of them.
 */
public final class NativeViews {
    private NativeViews() {}

    /**
     * {@code a} itself when its elements are contiguous in c order (a whole array, or a view such
     * as one shard of a {@code [devices, rows, dim]} array), else a c-order copy.
     */
    public static INDArray dense(INDArray a) {
        return isContiguousC(a) ? a : a.dup('c');
    }

    public static boolean isContiguousC(INDArray a) {
        long[] shape = a.shape();
        long[] stride = a.stride();
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] > 1 && stride[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    /** The address of a dense array's first element (its buffer's start plus the view's offset). */
    public static long address(INDArray dense) {
        return dense.data().address() + dense.offset() * dense.dataType().width();
    }

    /** The array's elements as a native segment (valid while the array is reachable). */
    public static MemorySegment segment(INDArray dense) {
        return MemorySegment.ofAddress(address(dense)).reinterpret(dense.length() * dense.dataType().width());
    }

    /**
     * {@code bytes} of {@code arena}'s memory (64-byte aligned) as an unscoped segment: the
     * kernels read tiles through such views, since a confined segment costs them an owner-thread
     * check on every vector load. Valid until the arena closes.
     */
    public static MemorySegment unscoped(java.lang.foreign.Arena arena, long bytes) {
        return MemorySegment.ofAddress(arena.allocate(bytes, 64).address()).reinterpret(bytes);
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
