package io.ann4j.runtime.tpu.pjrt;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Allocates the argument structs of PJRT calls. Every one starts with {@code size_t
 * struct_size; PJRT_Extension_Base* extension_start;}; the fields after those are at the byte
 * offsets of {@code pjrt_c_api.h} on LP64 (pointers and size_t 8 bytes, enums and int 4, bool 1,
 * each aligned to its size), written by the callers as named constants.
 *
 * <p>Why a zeroed tail: a plugin rejects a call whose {@code struct_size} is smaller than the size
 * its own header gives the struct ({@code ActualStructSizeIsGreaterOrEqual}), and minor versions
 * append fields to argument structs (e.g. {@code kv_try_get_callback} in
 * {@code PJRT_Client_Create_Args}). So each struct is allocated {@link #TAIL} bytes beyond the
 * layout ann4j codes against, all zero, and {@code struct_size} claims them: a newer plugin
 * then reads every field it knows of and ann4j does not as zero, which is "not set" for every
 * appended field, and an older plugin ignores the extra bytes (a larger size is only logged).
 */
final class PjrtArgs {
    /** Zeroed bytes past the known layout: room for 16 appended pointer-sized fields. */
    static final long TAIL = 128;

    /** Offset of the first field after {@code struct_size} and {@code extension_start}. */
    static final long BODY = 16;

    private PjrtArgs() {}

    /**
     * A zeroed struct whose fields ann4j knows end at {@code knownSize} bytes (the header's
     * {@code *_STRUCT_SIZE}), with {@code struct_size} set and {@code extension_start} null.
     */
    static MemorySegment allocate(Arena arena, long knownSize) {
        long size = align8(knownSize) + TAIL;
        MemorySegment s = arena.allocate(size, 8); // arena memory is zeroed
        s.set(ValueLayout.JAVA_LONG, 0, size);
        return s;
    }

    static long align8(long n) {
        return (n + 7) & ~7L;
    }
}
