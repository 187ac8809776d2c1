package io.ann4j.runtime.cpu.search;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Holds asynchronous signals off the calling thread while oneDNN's gemm kernels run.
 *
 * <p>oneDNN's generated f32 gemm kernels (3.3.4, the version the preset ships; fixed upstream in
 * 3.11.2, oneDNN issue 4845) point the stack register at a heap buffer while they run. A signal
 * delivered then writes its frame into that heap, and a later {@code free} aborts the process
 * ("corrupted size vs. prev_size"). Every sampling profiler delivers such signals: JDK Flight
 * Recorder's native-method sampler, async-profiler, {@code perf}-style timers. So while a oneDNN
 * call runs, the calling thread blocks every signal that can be blocked and is not raised by a
 * fault; a signal sent meanwhile stays pending and is delivered when the call returns. (HotSpot's
 * sampler gives up on a thread that does not answer within 2 ms and samples it next time.)
 * OpenMP threads started by a call made from inside this window inherit the mask.
 *
 * <p>Two system calls per oneDNN call (~1 µs), against the milliseconds of a tile's product.
 * Off Linux, or where libc cannot be bound, this does nothing.
 */
final class AsyncSignals {
    private static final int SIG_BLOCK = 0;
    private static final int SIG_SETMASK = 2;
    /** {@code sigset_t} on Linux (glibc and musl): 1024 bits. */
    private static final long SIGSET_BYTES = 128;
    /** Raised by faults (or abort); blocking them would turn a fault into a silent kill. */
    private static final int[] SYNCHRONOUS = {4, 5, 6, 7, 8, 11, 31}; // ILL TRAP ABRT BUS FPE SEGV SYS

    private static final MethodHandle PTHREAD_SIGMASK;
    /** The set to block, filled once. */
    private static final MemorySegment BLOCKED;
    /** Per thread: the mask to restore. */
    private static final ThreadLocal<MemorySegment> SAVED;

    static {
        MethodHandle mask = null;
        MemorySegment blocked = null;
        try {
            if (System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
                Linker linker = Linker.nativeLinker();
                var libc = linker.defaultLookup();
                MethodHandle fill = linker.downcallHandle(libc.find("sigfillset").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
                MethodHandle del = linker.downcallHandle(libc.find("sigdelset").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
                mask = linker.downcallHandle(libc.find("pthread_sigmask").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                                ValueLayout.ADDRESS));
                blocked = Arena.global().allocate(SIGSET_BYTES, 8);
                if ((int) fill.invokeExact(blocked) != 0) {
                    throw new IllegalStateException("sigfillset failed");
                }
                for (int s : SYNCHRONOUS) {
                    if ((int) del.invokeExact(blocked, s) != 0) {
                        throw new IllegalStateException("sigdelset failed");
                    }
                }
            }
        } catch (Throwable t) {
            mask = null; // not bound: the calls run unprotected, as they did before
        }
        PTHREAD_SIGMASK = mask;
        BLOCKED = blocked;
        SAVED = ThreadLocal.withInitial(() -> Arena.global().allocate(SIGSET_BYTES, 8));
    }

    private AsyncSignals() {}

    /** Whether signals are held off around oneDNN's calls on this platform. */
    static boolean active() {
        return PTHREAD_SIGMASK != null;
    }

    /** Blocks asynchronous signals on the calling thread; pair with {@link #restore()} in a finally. */
    static void hold() {
        if (PTHREAD_SIGMASK != null) {
            call(SIG_BLOCK, BLOCKED, SAVED.get());
        }
    }

    /** Puts back the calling thread's mask saved by {@link #hold()}; pending signals arrive now. */
    static void restore() {
        if (PTHREAD_SIGMASK != null) {
            call(SIG_SETMASK, SAVED.get(), MemorySegment.NULL);
        }
    }

    private static void call(int how, MemorySegment set, MemorySegment old) {
        int rc;
        try {
            rc = (int) PTHREAD_SIGMASK.invokeExact(how, set, old);
        } catch (Throwable t) {
            throw new IllegalStateException("pthread_sigmask failed", t);
        }
        if (rc != 0) {
            throw new IllegalStateException("pthread_sigmask failed with " + rc);
        }
    }
}
