package io.ann4j.runtime.cpu.search;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.dnnl.global.dnnl;

/**
 * oneDNN's {@code dnnl_sgemm} (bytedeco's preset), the fastest f32 product on these machines:
 * tiles of 1024 x 1024 on 2 Java threads take ~123 ms at Q=1024, N=100,000, D=128, against ~160
 * for OpenBLAS tiles (measured here). Each of our worker threads tells OpenMP to use one thread
 * ({@code omp_set_num_threads(1)} in oneDNN's own libgomp, called through the FFM API because the
 * preset does not expose it); without that each call would start two OpenMP threads per worker.
 * Loaded lazily; if it cannot load, {@link #available()} is false and OpenBLAS serves. Every call
 * runs with asynchronous signals held off ({@link AsyncSignals}): the preset's kernels corrupt the
 * heap if a profiler's signal lands while they run.
 */
public final class OneDnn {
    private static final MethodHandle SET_THREADS;
    private static final MethodHandle MAX_THREADS;
    /** {@code dnnl_gemm_bf16bf16f32}: exported by libdnnl but not bound by the preset. */
    private static final MethodHandle GEMM_BF16;
    /** {@code dnnl_gemm_u8s8s32}: exported by libdnnl but not bound by the preset. */
    private static final MethodHandle GEMM_U8S8;
    private static final Throwable FAILURE;
    private static final ThreadLocal<Boolean> SINGLE = ThreadLocal.withInitial(() -> Boolean.FALSE);

    static {
        MethodHandle h = null;
        MethodHandle max = null;
        MethodHandle bf16 = null;
        MethodHandle u8s8 = null;
        Throwable failure = null;
        try {
            Loader.load(dnnl.class);
            String lib = Loader.getLoadedLibraries().entrySet().stream()
                    .filter(e -> e.getKey().equals("dnnl") || e.getKey().startsWith("dnnl@"))
                    .map(java.util.Map.Entry::getValue).findFirst()
                    .orElseThrow(() -> new IllegalStateException("libdnnl did not load"));
            // The OpenMP runtime libdnnl was linked against (the preset's libgomp, not the libiomp5
            // it also ships): a lookup through libdnnl's handle resolves the symbol the way libdnnl
            // itself does, so the thread count set is the one oneDNN reads.
            SymbolLookup dnnlLookup = SymbolLookup.libraryLookup(java.nio.file.Path.of(lib), Arena.global());
            h = Linker.nativeLinker().downcallHandle(dnnlLookup.find("omp_set_num_threads").orElseThrow(
                    () -> new IllegalStateException("libdnnl links no OpenMP runtime")),
                    FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT));
            max = Linker.nativeLinker().downcallHandle(dnnlLookup.find("omp_get_max_threads").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT));
            ValueLayout.OfLong dim = ValueLayout.JAVA_LONG;
            bf16 = Linker.nativeLinker().downcallHandle(dnnlLookup.find("dnnl_gemm_bf16bf16f32").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_BYTE, ValueLayout.JAVA_BYTE, dim, dim,
                            dim, ValueLayout.JAVA_FLOAT, ValueLayout.ADDRESS, dim, ValueLayout.ADDRESS, dim,
                            ValueLayout.JAVA_FLOAT, ValueLayout.ADDRESS, dim));
            ValueLayout.OfByte ch = ValueLayout.JAVA_BYTE;
            u8s8 = Linker.nativeLinker().downcallHandle(dnnlLookup.find("dnnl_gemm_u8s8s32").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ch, ch, ch, dim, dim, dim, ValueLayout.JAVA_FLOAT,
                            ValueLayout.ADDRESS, dim, ch, ValueLayout.ADDRESS, dim, ch, ValueLayout.JAVA_FLOAT,
                            ValueLayout.ADDRESS, dim, ValueLayout.ADDRESS));
        } catch (Throwable t) {
            failure = t;
        }
        SET_THREADS = h;
        MAX_THREADS = max;
        GEMM_BF16 = bf16;
        GEMM_U8S8 = u8s8;
        FAILURE = failure;
    }

    private OneDnn() {}

    /** Whether oneDNN loaded (and {@code ann4j.cpu.gemm} does not ask for OpenBLAS). */
    public static boolean available() {
        return FAILURE == null && !CpuDefaults.OPENBLAS_ONLY;
    }

    /**
     * The instruction set oneDNN dispatches to on this CPU ({@code "avx512_core_bf16"}, ...), from
     * {@code dnnl_get_effective_cpu_isa}; {@code "not loaded"} without oneDNN. Zen 4 and Zen 5
     * both report {@code avx512_core_bf16}; their f32 rates differ (Zen 4 splits 512-bit FMAs).
     */
    public static String isa() {
        if (FAILURE != null) {
            return "not loaded";
        }
        int isa = dnnl.dnnl_get_effective_cpu_isa();
        for (java.lang.reflect.Field f : dnnl.class.getFields()) {
            try {
                if (f.getName().startsWith("dnnl_cpu_isa_") && f.getType() == int.class && f.getInt(null) == isa
                        && !f.getName().endsWith("default") && !f.getName().contains("hints")
                        && !f.getName().contains("prefer")) {
                    return f.getName().substring("dnnl_cpu_isa_".length());
                }
            } catch (IllegalAccessException e) {
                // a constant we cannot read names nothing
            }
        }
        return "isa " + isa;
    }

    /** Why oneDNN is not used, for the bench's {@code path}. */
    public static String unavailableReason() {
        return FAILURE == null ? "ann4j.cpu.gemm=openblas" : FAILURE.toString();
    }

    /**
     * Row-major {@code C[m, n] = op(A) op(B)} on the calling thread alone (it is one of our
     * workers; OpenMP is told so on its first call).
     */
    static void sgemm(boolean transA, boolean transB, int m, int n, int k, FloatPointer a, int lda, FloatPointer b,
                      int ldb, FloatPointer c, int ldc) {
        singleThreaded();
        sgemmAllThreads(transA, transB, m, n, k, a, lda, b, ldb, c, ldc);
    }

    /** The threads oneDNN's OpenMP would use for a call made on the calling thread now. */
    static int ompMaxThreads() {
        try {
            return (int) MAX_THREADS.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("omp_get_max_threads failed", t);
        }
    }

    private static void singleThreaded() {
        if (!SINGLE.get()) {
            try {
                SET_THREADS.invokeExact(1);
            } catch (Throwable t) {
                throw new IllegalStateException("omp_set_num_threads failed", t);
            }
            SINGLE.set(Boolean.TRUE);
        }
    }

    /**
     * Row-major {@code C[m, n] = op(A) op(B)} with bf16 {@code A} and {@code B} (raw 16-bit
     * elements) and f32 {@code C}, accumulated in f32 ({@code dnnl_gemm_bf16bf16f32}), on the
     * calling thread alone. On a CPU with {@code avx512_bf16} it runs the bf16 dot-product
     * instructions at twice the f32 rate (on a Zen 4); with {@code m = 1} it is a gemv that streams
     * {@code B} at memory bandwidth.
     */
    static void gemmBf16(boolean transA, boolean transB, int m, int n, int k, MemorySegment a, long lda,
                         MemorySegment b, long ldb, MemorySegment c, long ldc) {
        singleThreaded();
        gemmBf16AllThreads(transA, transB, m, n, k, a, lda, b, ldb, c, ldc);
    }

    /**
     * {@code dnnl_gemm_bf16bf16f32} with bf16 {@code A} and {@code B} (raw 16-bit elements) and f32
     * {@code C}, on as many threads as OpenMP gives the calling thread: every core on a thread that
     * never called {@link #gemmBf16} (the bench's yardstick for a bf16 database), one on a worker.
     */
    public static void gemmBf16AllThreads(boolean transA, boolean transB, int m, int n, int k, MemorySegment a,
                                          long lda, MemorySegment b, long ldb, MemorySegment c, long ldc) {
        int status;
        AsyncSignals.hold();
        try {
            status = (int) GEMM_BF16.invokeExact((byte) (transA ? 'T' : 'N'), (byte) (transB ? 'T' : 'N'), (long) m,
                    (long) n, (long) k, 1f, a, lda, b, ldb, 0f, c, ldc);
        } catch (Throwable t) {
            throw new IllegalStateException("dnnl_gemm_bf16bf16f32 failed", t);
        } finally {
            AsyncSignals.restore();
        }
        if (status != dnnl.dnnl_success) {
            throw new IllegalStateException("dnnl_gemm_bf16bf16f32 failed with status " + status + " (" + m + "x" + n
                    + "x" + k + ")");
        }
    }

    /**
     * Row-major {@code C[m, n] = A B^T} with u8 {@code A [m, k]}, s8 {@code B [n, k]} and s32
     * {@code C}, exact in integers ({@code dnnl_gemm_u8s8s32}, zero offsets), on the calling thread
     * alone. On a CPU with VNNI ({@code vpdpbusd}) it runs 4 multiply-adds per 32-bit lane and
     * instruction, against 1 for f32 FMA; without VNNI, oneDNN's u8 x s8 pairs may saturate in
     * 16 bits, so callers check {@link Int8Products#vnni()} first.
     *
     * @param zero a one-element s32 segment (the column offset {@code oneDNN} adds, 0)
     */
    static void gemmU8S8S32(int m, int n, int k, MemorySegment a, long lda, MemorySegment b, long ldb,
                            MemorySegment c, long ldc, MemorySegment zero) {
        singleThreaded();
        int status;
        AsyncSignals.hold();
        try {
            status = (int) GEMM_U8S8.invokeExact((byte) 'N', (byte) 'T', (byte) 'F', (long) m, (long) n, (long) k, 1f, a,
                    lda, (byte) 0, b, ldb, (byte) 0, 0f, c, ldc, zero);
        } catch (Throwable t) {
            throw new IllegalStateException("dnnl_gemm_u8s8s32 failed", t);
        } finally {
            AsyncSignals.restore();
        }
        if (status != dnnl.dnnl_success) {
            throw new IllegalStateException("dnnl_gemm_u8s8s32 failed with status " + status + " (" + m + "x" + n
                    + "x" + k + ")");
        }
    }

    /**
     * {@code dnnl_sgemm} on as many threads as OpenMP gives the calling thread: every core on a
     * thread that never called {@link #sgemm} (the bench's yardstick), one on a worker.
     */
    public static void sgemmAllThreads(boolean transA, boolean transB, int m, int n, int k, FloatPointer a, int lda,
                                       FloatPointer b, int ldb, FloatPointer c, int ldc) {
        int status;
        AsyncSignals.hold();
        try {
            status = dnnl.dnnl_sgemm((byte) (transA ? 'T' : 'N'), (byte) (transB ? 'T' : 'N'), m, n, k, 1f, a, lda, b,
                    ldb, 0f, c, ldc);
        } finally {
            AsyncSignals.restore();
        }
        if (status != dnnl.dnnl_success) {
            throw new IllegalStateException("dnnl_sgemm failed with status " + status + " (" + m + "x" + n + "x" + k + ")");
        }
    }
}
