package io.jrun.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * posix_spawn(3), the only safe way for the multithreaded JVM to start a process from a
 * transformed thread: no Java runs in the child. glibc clones with CLONE_VM | CLONE_VFORK, so the
 * child starts in the calling <em>thread's</em> namespaces, root and credentials, and the
 * calling thread stays blocked until the child execs or fails.
 *
 * <p>posix_spawn is a C library function, not a system call. Every posix_spawn* function used
 * here takes at most six integer or pointer arguments and returns an int, so they all go
 * through <em>one</em> FFM signature, {@code int f(long, long, long, long, long, long)}: on
 * x86_64 and aarch64 integer arguments travel in registers and a callee ignores registers it
 * does not read. That costs one link (~20 ms) for the whole family. They report failure by
 * <em>returning</em> the error number; errno is not involved.
 *
 * <p>Kernel and glibc facts for the launch path:
 * <ul>
 * <li>Because of CLONE_VFORK, a file action that blocks (the FIFO gate's open) blocks
 *     posix_spawn in the spawning thread too. Another thread finds the gated child's pid in
 *     {@code /proc/self/task/<spawning tid>/children}.</li>
 * <li>A child inherits the spawning thread's signal mask and ignored signals; {@link #spawn}
 *     always resets the mask to empty and every signal to its default.</li>
 * <li>Descriptors without O_CLOEXEC leak into the child: {@link FileActions#closeFrom} closes
 *     them (glibc 2.34+).</li>
 * </ul>
 */
public final class Spawn {
    private Spawn() {
    }

    // glibc's spawn.h flags
    public static final int POSIX_SPAWN_RESETIDS = 0x01;
    public static final int POSIX_SPAWN_SETPGROUP = 0x02;
    public static final int POSIX_SPAWN_SETSIGDEF = 0x04;
    public static final int POSIX_SPAWN_SETSIGMASK = 0x08;
    /** glibc: the child calls setsid(), leading a new session and process group. */
    public static final int POSIX_SPAWN_SETSID = 0x80;

    /** sizeof(posix_spawn_file_actions_t) is 80 and sizeof(posix_spawnattr_t) 336 on both architectures. */
    private static final long OPAQUE_SIZE = 512;
    /** sizeof(sigset_t) in glibc: 1024 bits. */
    private static final long SIGSET_SIZE = 128;

    @SuppressWarnings("restricted")
    private static final class Native {
        static final MemorySegment SPAWN, FA_INIT, FA_DESTROY, FA_OPEN, FA_DUP2, FA_CLOSE, FA_CLOSEFROM,
                FA_CHDIR, FA_FCHDIR, ATTR_INIT, ATTR_DESTROY, ATTR_FLAGS, ATTR_SIGMASK, ATTR_SIGDEFAULT, ATTR_PGROUP;

        static {
            Linker linker = Linker.nativeLinker();
            SPAWN = find(linker, "posix_spawn");
            FA_INIT = find(linker, "posix_spawn_file_actions_init");
            FA_DESTROY = find(linker, "posix_spawn_file_actions_destroy");
            FA_OPEN = find(linker, "posix_spawn_file_actions_addopen");
            FA_DUP2 = find(linker, "posix_spawn_file_actions_adddup2");
            FA_CLOSE = find(linker, "posix_spawn_file_actions_addclose");
            FA_CLOSEFROM = find(linker, "posix_spawn_file_actions_addclosefrom_np");
            FA_CHDIR = find(linker, "posix_spawn_file_actions_addchdir_np");
            FA_FCHDIR = find(linker, "posix_spawn_file_actions_addfchdir_np");
            ATTR_INIT = find(linker, "posix_spawnattr_init");
            ATTR_DESTROY = find(linker, "posix_spawnattr_destroy");
            ATTR_FLAGS = find(linker, "posix_spawnattr_setflags");
            ATTR_SIGMASK = find(linker, "posix_spawnattr_setsigmask");
            ATTR_SIGDEFAULT = find(linker, "posix_spawnattr_setsigdefault");
            ATTR_PGROUP = find(linker, "posix_spawnattr_setpgroup");
        }

        private static MemorySegment find(Linker linker, String name) {
            return linker.defaultLookup().find(name).orElseThrow(() -> new UnsatisfiedLinkError(
                    "the C library has no " + name + "() (glibc 2.34 or later is needed)"));
        }
    }

    /** A C library function's address, for the shared signature (see {@link Syscall#callFunction}). */
    static MemorySegment cFunction(String name) {
        return Native.find(Linker.nativeLinker(), name);
    }

    private static int invoke(MemorySegment function, long a, long b, long c, long d, long e, long f) {
        // through the one shared signature: these return an error number, never errno
        return (int) Syscall.callFunction(function, a, b, c, d, e, f, 0);
    }

    private static void check(String call, String path, int result) throws ErrnoException {
        if (result != 0) {
            throw new ErrnoException(call, path, result);
        }
    }

    /**
     * The steps the child takes, in order, between the clone and the exec. Paths are copied
     * into native memory held until {@link #close()}.
     */
    public static final class FileActions implements AutoCloseable {
        private final Arena arena = Arena.ofConfined();
        private final MemorySegment actions = arena.allocate(OPAQUE_SIZE, 16);

        public FileActions() throws ErrnoException {
            check("posix_spawn_file_actions_init", null, invoke(Native.FA_INIT, actions.address(), 0, 0, 0, 0, 0));
        }

        /**
         * The child opens {@code path} as descriptor {@code fd} (a blocking FIFO open gates it).
         * No O_CLOEXEC here unless the descriptor is only for the time before the exec: with it,
         * the child's new descriptor closes at the exec.
         */
        public FileActions open(int fd, String path, int flags, int mode) throws ErrnoException {
            long p = Syscall.Scratch.cstring(arena, "posix_spawn_file_actions_addopen", path);
            check("posix_spawn_file_actions_addopen", path, invoke(Native.FA_OPEN, actions.address(), fd, p, flags, mode, 0));
            return this;
        }

        /** The child duplicates {@code fd} onto {@code newFd} (clearing its close-on-exec flag). */
        public FileActions dup2(int fd, int newFd) throws ErrnoException {
            check("posix_spawn_file_actions_adddup2", null, invoke(Native.FA_DUP2, actions.address(), fd, newFd, 0, 0, 0));
            return this;
        }

        public FileActions close(int fd) throws ErrnoException {
            check("posix_spawn_file_actions_addclose", null, invoke(Native.FA_CLOSE, actions.address(), fd, 0, 0, 0, 0));
            return this;
        }

        /** The child closes every descriptor from {@code lowFd} up: nothing of the JVM leaks in. */
        public FileActions closeFrom(int lowFd) throws ErrnoException {
            check("posix_spawn_file_actions_addclosefrom_np", null, invoke(Native.FA_CLOSEFROM, actions.address(), lowFd, 0, 0, 0, 0));
            return this;
        }

        /** The child changes its working directory (relative to its root, after a pivot). */
        public FileActions chdir(String path) throws ErrnoException {
            long p = Syscall.Scratch.cstring(arena, "posix_spawn_file_actions_addchdir_np", path);
            check("posix_spawn_file_actions_addchdir_np", path, invoke(Native.FA_CHDIR, actions.address(), p, 0, 0, 0, 0));
            return this;
        }

        /**
         * The child changes its working directory to the directory open as {@code fd} in the
         * spawning process (an O_PATH descriptor will do): no path is looked up in the child.
         */
        public FileActions fchdir(int fd) throws ErrnoException {
            check("posix_spawn_file_actions_addfchdir_np", null, invoke(Native.FA_FCHDIR, actions.address(), fd, 0, 0, 0, 0));
            return this;
        }

        @Override
        public void close() {
            invoke(Native.FA_DESTROY, actions.address(), 0, 0, 0, 0, 0);
            arena.close();
        }
    }

    /**
     * posix_spawn: starts {@code path} (not searched in PATH) with {@code argv} and exactly the
     * environment {@code env} ("K=V" strings), from the calling thread. The child's signal mask
     * is emptied and every signal reset to its default. {@code flags} may add
     * POSIX_SPAWN_SETSID or POSIX_SPAWN_SETPGROUP (with {@code processGroup}, 0 meaning the
     * child's own pid). Returns the child's pid, as the spawning thread's pid namespace sees it.
     * Throws an ErrnoException naming {@code path} when the exec or a file action fails in the
     * child (glibc reports it back), e.g. ENOENT or EACCES.
     */
    public static long spawn(String path, List<String> argv, List<String> env, FileActions actions,
                             int flags, long processGroup) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(OPAQUE_SIZE, 16);
            check("posix_spawnattr_init", null, invoke(Native.ATTR_INIT, attr.address(), 0, 0, 0, 0, 0));
            try {
                MemorySegment empty = arena.allocate(SIGSET_SIZE, 8);   // zeroed: no signal blocked
                MemorySegment all = arena.allocate(SIGSET_SIZE, 8);
                all.set(ValueLayout.JAVA_LONG, 0, -1L);                // signals 1..64 back to SIG_DFL
                check("posix_spawnattr_setsigmask", null, invoke(Native.ATTR_SIGMASK, attr.address(), empty.address(), 0, 0, 0, 0));
                check("posix_spawnattr_setsigdefault", null, invoke(Native.ATTR_SIGDEFAULT, attr.address(), all.address(), 0, 0, 0, 0));
                if ((flags & POSIX_SPAWN_SETPGROUP) != 0) {
                    check("posix_spawnattr_setpgroup", null, invoke(Native.ATTR_PGROUP, attr.address(), processGroup, 0, 0, 0, 0));
                }
                long allFlags = (flags | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF) & 0xffff; // a short in C
                check("posix_spawnattr_setflags", null, invoke(Native.ATTR_FLAGS, attr.address(), allFlags, 0, 0, 0, 0));

                MemorySegment pid = arena.allocate(ValueLayout.JAVA_INT);
                long pathAddress = Syscall.Scratch.cstring(arena, "posix_spawn", path);
                int result = invoke(Native.SPAWN, pid.address(), pathAddress,
                        actions == null ? 0 : actions.actions.address(), attr.address(),
                        strings(arena, argv).address(), strings(arena, env).address());
                check("posix_spawn", path, result);
                return pid.get(ValueLayout.JAVA_INT, 0);
            } finally {
                invoke(Native.ATTR_DESTROY, attr.address(), 0, 0, 0, 0, 0);
            }
        }
    }

    /** A NULL-terminated char*[] for argv or envp. */
    static MemorySegment strings(Arena arena, List<String> values) {
        MemorySegment array = arena.allocate(ValueLayout.ADDRESS, values.size() + 1);
        for (int i = 0; i < values.size(); i++) {
            array.setAtIndex(ValueLayout.JAVA_LONG, i, Syscall.Scratch.cstring(arena, "posix_spawn", values.get(i)));
        }
        array.setAtIndex(ValueLayout.JAVA_LONG, values.size(), 0);
        return array;
    }
}
