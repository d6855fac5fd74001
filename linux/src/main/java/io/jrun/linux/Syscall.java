package io.jrun.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * The one downcall jrun makes for system calls: the C library's variadic
 * {@code long syscall(long number, ...)}, always given six long arguments. One signature
 * keeps FFM's link cost (about 60 ms for the first downcall, 20 ms per new signature) to a
 * single payment; pointers travel as {@code segment.address()}.
 */
final class Syscall {
    private Syscall() {
    }

    static final SyscallNumbers NR = SyscallNumbers.forThisMachine();

    /**
     * Linked on first use only: loading io.jrun.linux classes costs nothing at start-up.
     * Restricted FFM methods: the launcher and the tests pass --enable-native-access.
     */
    @SuppressWarnings("restricted")
    private static final class Handle {
        /**
         * The one downcall signature jrun links: {@code long f(long, ...)} with seven long
         * arguments, the function's address first and errno captured. Each signature costs a
         * cold JVM a stub class generated at run time (10-20 ms), so the posix_spawn family
         * goes through it too (see {@link #callFunction}).
         */
        static final MethodHandle CALL;
        static final MemorySegment SYSCALL;
        static final VarHandle ERRNO;
        static final long CAPTURE_SIZE;

        static {
            Linker linker = Linker.nativeLinker();
            SYSCALL = linker.defaultLookup().find("syscall")
                    .orElseThrow(() -> new UnsatisfiedLinkError("the C library has no syscall() function"));
            ValueLayout.OfLong l = ValueLayout.JAVA_LONG;
            CALL = linker.downcallHandle(
                    FunctionDescriptor.of(l, l, l, l, l, l, l, l),
                    Linker.Option.firstVariadicArg(1),
                    Linker.Option.captureCallState("errno"));
            MemoryLayout state = Linker.Option.captureStateLayout();
            ERRNO = state.varHandle(MemoryLayout.PathElement.groupElement("errno"));
            CAPTURE_SIZE = state.byteSize();
            if (CAPTURE_SIZE > Scratch.STRUCT) {
                throw new AssertionError("the captured call state (" + CAPTURE_SIZE
                        + " bytes) overlaps the scratch struct area");
            }
        }
    }

    /**
     * Per-thread native scratch memory: the errno capture area, room for two paths and a
     * small struct. The wrappers never call back into Java, so one call at a time uses it.
     */
    static final class Scratch {
        static final long STRUCT = 64;          // 512 bytes: open_how, timespec[2], statx, winsize
        static final long STRUCT_SIZE = 512;
        static final long PATH1 = 1024;
        static final long PATH2 = PATH1 + 4104;
        static final int PATH_MAX = 4096;
        final MemorySegment memory = Arena.ofAuto().allocate(PATH2 + 4104, 16);

        /** Writes {@code s} as NUL-terminated UTF-8 at {@code offset}; returns its address. */
        long cstring(long offset, String call, String s) throws ErrnoException {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            if (bytes.length >= PATH_MAX) {
                throw new ErrnoException(call, s, Errno.ENAMETOOLONG);
            }
            for (byte b : bytes) {
                if (b == 0) {
                    throw new IllegalArgumentException(call + ": path contains a NUL byte: \"" + s.replace("\0", "\\0") + "\"");
                }
            }
            MemorySegment.copy(bytes, 0, memory, ValueLayout.JAVA_BYTE, offset, bytes.length);
            memory.set(ValueLayout.JAVA_BYTE, offset + bytes.length, (byte) 0);
            return memory.address() + offset;
        }

        long path1(String call, String s) throws ErrnoException {
            return cstring(PATH1, call, s);
        }

        long path2(String call, String s) throws ErrnoException {
            return cstring(PATH2, call, s);
        }

        /** Writes {@code s} as a NUL-terminated string into {@code arena}; 0 (NULL) for null. */
        static long cstring(Arena arena, String call, String s) {
            if (s == null) {
                return 0;
            }
            if (s.indexOf('\0') >= 0) {
                throw new IllegalArgumentException(call + ": string contains a NUL byte: \"" + s.replace("\0", "\\0") + "\"");
            }
            return arena.allocateFrom(s, StandardCharsets.UTF_8).address();
        }

        MemorySegment struct() {
            return memory.asSlice(STRUCT, STRUCT_SIZE);
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    static Scratch scratch() {
        return SCRATCH.get();
    }

    /**
     * Calls the C function at {@code function} with up to seven integer or pointer arguments
     * (extra ones are ignored by the callee) and returns its raw result; an {@code int} result
     * is the low 32 bits. It goes through the variadic syscall signature, which is sound for a
     * fixed-argument callee on both ABIs jrun supports: on x86_64 a variadic call only adds
     * the vector-register count in %al, which such a callee ignores, and on aarch64 Linux
     * variadic integer arguments travel in x0-x7 exactly like fixed ones.
     */
    static long callFunction(MemorySegment function, long a, long b, long c, long d, long e, long f, long g) {
        try {
            return (long) Handle.CALL.invokeExact(function, SCRATCH.get().memory, a, b, c, d, e, f, g);
        } catch (Throwable t) {
            throw new AssertionError("downcall failed", t);
        }
    }

    /** errno as the last {@link #callFunction} on this thread left it. */
    static int lastErrno() {
        return (int) Handle.ERRNO.get(SCRATCH.get().memory, 0L);
    }

    /** Calls {@code syscall(nr, a…f)}; returns the raw result, or -errno on failure. */
    static long raw(long nr, long a, long b, long c, long d, long e, long f) {
        MemorySegment capture = SCRATCH.get().memory; // errno lands at offset 0
        try {
            long result = (long) Handle.CALL.invokeExact(Handle.SYSCALL, capture, nr, a, b, c, d, e, f);
            if (result == -1) {
                return -(int) Handle.ERRNO.get(capture, 0L);
            }
            return result;
        } catch (Throwable t) {
            throw new AssertionError("syscall downcall failed", t);
        }
    }

    /** Calls {@code syscall(nr, a…f)}, retrying on EINTR; throws ErrnoException on failure. */
    static long call(String name, String path, long nr, long a, long b, long c, long d, long e, long f)
            throws ErrnoException {
        while (true) {
            long result = raw(nr, a, b, c, d, e, f);
            if (result >= 0 || result < -4095) {
                return result;
            }
            if (result != -Errno.EINTR) {
                throw new ErrnoException(name, path, (int) -result);
            }
        }
    }

    static long call(String name, String path, long nr, long a, long b, long c, long d, long e)
            throws ErrnoException {
        return call(name, path, nr, a, b, c, d, e, 0);
    }

    static long call(String name, String path, long nr, long a, long b, long c, long d) throws ErrnoException {
        return call(name, path, nr, a, b, c, d, 0, 0);
    }

    static long call(String name, String path, long nr, long a, long b, long c) throws ErrnoException {
        return call(name, path, nr, a, b, c, 0, 0, 0);
    }

    static long call(String name, String path, long nr, long a, long b) throws ErrnoException {
        return call(name, path, nr, a, b, 0, 0, 0, 0);
    }

    static long call(String name, String path, long nr, long a) throws ErrnoException {
        return call(name, path, nr, a, 0, 0, 0, 0, 0);
    }

    static long call(String name, long nr) throws ErrnoException {
        return call(name, null, nr, 0, 0, 0, 0, 0, 0);
    }
}
