package io.jrun.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * execve(2) of the whole JVM process: the process keeps its pid, its children, its session
 * and its open descriptors without close-on-exec, and becomes another program. The kernel
 * ends every other thread of the JVM first; no Java runs afterwards. jrun uses it to hand a
 * running pod to conmon (conmon's parent, a terminal or systemd, keeps waiting for the same
 * pid). What the JVM leaves open would leak into the new program: {@link #closeOnExecFrom}
 * marks every descriptor close-on-exec, {@link #inherit} clears the mark on the ones to keep.
 * Signal handlers return to their defaults at the exec; ignored signals stay ignored, and the
 * calling thread's signal mask is kept, so {@link #execve} empties it first.
 *
 * <p>These are C library functions called through the one shared downcall signature (see
 * {@link Syscall#callFunction}), as the posix_spawn family is.
 */
public final class Exec {
    private Exec() {
    }

    /** close_range(2) flag (Linux 5.11): mark the range close-on-exec instead of closing it. */
    private static final int CLOSE_RANGE_CLOEXEC = 1 << 2;
    private static final int F_SETFD = 2;
    private static final int SIG_SETMASK = 2;
    private static final long SIGSET_SIZE = 128;

    private static final class Native {
        static final MemorySegment EXECVE = Spawn.cFunction("execve"), CLOSE_RANGE = Spawn.cFunction("close_range"),
                FCNTL = Spawn.cFunction("fcntl"), SIGMASK = Spawn.cFunction("pthread_sigmask");
    }

    /** Marks every descriptor from {@code lowFd} up close-on-exec. */
    public static void closeOnExecFrom(int lowFd) throws ErrnoException {
        if ((int) Syscall.callFunction(Native.CLOSE_RANGE, lowFd, 0xffffffffL, CLOSE_RANGE_CLOEXEC, 0, 0, 0, 0) != 0) {
            throw new ErrnoException("close_range", null, Syscall.lastErrno());
        }
    }

    /** Clears {@code fd}'s close-on-exec flag: the exec'd program gets it under the same number. */
    public static void inherit(int fd) throws ErrnoException {
        if ((int) Syscall.callFunction(Native.FCNTL, fd, F_SETFD, 0, 0, 0, 0, 0) != 0) {
            throw new ErrnoException("fcntl(F_SETFD)", null, Syscall.lastErrno());
        }
    }

    /**
     * Empties the calling thread's signal mask and executes {@code path} (not searched in PATH)
     * with {@code argv} and exactly {@code env}. Returns only when the exec failed, with the
     * error to throw (ENOENT, EACCES, ...); the JVM then runs on as before.
     */
    public static ErrnoException execve(String path, List<String> argv, List<String> env) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment empty = arena.allocate(SIGSET_SIZE, 8); // zeroed: no signal blocked
            int error = (int) Syscall.callFunction(Native.SIGMASK, SIG_SETMASK, empty.address(), 0, 0, 0, 0, 0);
            if (error != 0) {
                return new ErrnoException("pthread_sigmask", null, error);
            }
            long file = Syscall.Scratch.cstring(arena, "execve", path);
            Syscall.callFunction(Native.EXECVE, file, Spawn.strings(arena, argv).address(),
                    Spawn.strings(arena, env).address(), 0, 0, 0, 0);
            return new ErrnoException("execve", path, Syscall.lastErrno());
        }
    }
}
