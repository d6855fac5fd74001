package io.jrun.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.jrun.linux.Syscall.NR;
import static io.jrun.linux.Syscall.call;

/**
 * seccomp(2): installs a classic BPF filter on the <em>calling thread</em> only. Without
 * SECCOMP_FILTER_FLAG_TSYNC the kernel attaches the filter to the current task (thread) alone,
 * so the setup thread can filter itself while the rest of the JVM stays unfiltered; whatever the
 * thread spawns inherits the filter, and no process can ever remove it. TSYNC, which would
 * impose the filter on every JVM thread, is refused.
 *
 * <p>Kernel rules worth knowing:
 * <ul>
 * <li>Installing needs no_new_privs set on the thread, or CAP_SYS_ADMIN in its user namespace
 *     (else EACCES): a filter must not be able to confuse a setuid program.</li>
 * <li>At most 4096 instructions (BPF_MAXINSNS) per filter; the kernel checks the program
 *     (every jump lands inside it, it ends in a return, loads stay within seccomp_data) and
 *     answers EINVAL otherwise.</li>
 * <li>From the moment it is installed the filter applies to the installing thread itself: every
 *     system call the JVM makes on that thread afterwards (futex, munmap, the posix_spawn's
 *     clone) goes through it.</li>
 * </ul>
 *
 * <p>The program travels as four parallel primitive arrays, the fields of {@code struct
 * sock_filter { u16 code; u8 jt; u8 jf; u32 k; }}, so no caller handles native memory.
 */
public final class Seccomp {
    private Seccomp() {
    }

    // seccomp(2) operations
    public static final int SECCOMP_SET_MODE_FILTER = 1;
    public static final int SECCOMP_GET_ACTION_AVAIL = 2;

    // SECCOMP_SET_MODE_FILTER flags
    public static final int SECCOMP_FILTER_FLAG_TSYNC = 1;
    public static final int SECCOMP_FILTER_FLAG_LOG = 2;
    public static final int SECCOMP_FILTER_FLAG_SPEC_ALLOW = 4;

    // Filter return values: the action in the high 16 bits, data (an errno, a trace message) low.
    // When several filters are stacked the kernel takes the most severe answer, in this order.
    public static final int SECCOMP_RET_KILL_PROCESS = 0x80000000;
    public static final int SECCOMP_RET_KILL_THREAD = 0x00000000;
    public static final int SECCOMP_RET_TRAP = 0x00030000;
    public static final int SECCOMP_RET_ERRNO = 0x00050000;
    public static final int SECCOMP_RET_USER_NOTIF = 0x7fc00000;
    public static final int SECCOMP_RET_TRACE = 0x7ff00000;
    public static final int SECCOMP_RET_LOG = 0x7ffc0000;
    public static final int SECCOMP_RET_ALLOW = 0x7fff0000;
    public static final int SECCOMP_RET_ACTION_FULL = 0xffff0000;
    public static final int SECCOMP_RET_DATA = 0x0000ffff;

    /** BPF_MAXINSNS. */
    public static final int MAX_INSTRUCTIONS = 4096;

    /**
     * Offsets in {@code struct seccomp_data { int nr; u32 arch; u64 instruction_pointer; u64
     * args[6]; }}, the only data a seccomp filter can load. Both architectures are little
     * endian, so an argument's low 32 bits come first.
     */
    public static final int DATA_NR = 0, DATA_ARCH = 4, DATA_INSTRUCTION_POINTER = 8, DATA_ARGS = 16;

    /** Where the low 32 bits of argument {@code index} (0 to 5) are. */
    public static int argLow(int index) {
        return DATA_ARGS + 8 * index;
    }

    /** Where the high 32 bits of argument {@code index} (0 to 5) are. */
    public static int argHigh(int index) {
        return DATA_ARGS + 8 * index + 4;
    }

    /**
     * Installs the filter on the calling thread: {@code seccomp(SECCOMP_SET_MODE_FILTER, flags,
     * &sock_fprog)}. {@code flags} may hold SECCOMP_FILTER_FLAG_LOG and
     * SECCOMP_FILTER_FLAG_SPEC_ALLOW. Set no_new_privs first, or hold CAP_SYS_ADMIN.
     */
    public static void install(short[] code, byte[] jt, byte[] jf, int[] k, int flags) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fprog = encode(arena, code, jt, jf, k, flags);
            call("seccomp", null, NR.seccomp(), SECCOMP_SET_MODE_FILTER, flags, fprog.address());
        }
    }

    /**
     * Whether the kernel knows the return action {@code action} (one of the SECCOMP_RET_*
     * values): {@code seccomp(SECCOMP_GET_ACTION_AVAIL, 0, &action)}, which answers EOPNOTSUPP
     * for an unknown one. KILL_PROCESS and LOG exist since Linux 4.14, USER_NOTIF since 5.0.
     */
    public static boolean actionAvailable(int action) throws ErrnoException {
        MemorySegment m = Syscall.scratch().struct();
        m.set(ValueLayout.JAVA_INT, 0, action);
        try {
            call("seccomp", null, NR.seccomp(), SECCOMP_GET_ACTION_AVAIL, 0, m.address());
            return true;
        } catch (ErrnoException e) {
            if (e.errno() == Errno.EOPNOTSUPP) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Runs everything {@link #install} does except the system call, so the classes it needs are
     * loaded and linked while the thread can still load classes (before pivot_root).
     */
    public static void preload() {
        try (Arena arena = Arena.ofConfined()) {
            int ret = SECCOMP_RET_ALLOW;
            encode(arena, new short[] {0x06}, new byte[1], new byte[1], new int[] {ret}, SECCOMP_FILTER_FLAG_LOG);
        }
        Syscall.scratch();
        new ErrnoException("seccomp", null, Errno.EACCES).getMessage();
    }

    /** Writes the {@code sock_filter} array and the {@code sock_fprog} pointing at it. */
    private static MemorySegment encode(Arena arena, short[] code, byte[] jt, byte[] jf, int[] k, int flags) {
        int n = code.length;
        if (jt.length != n || jf.length != n || k.length != n) {
            throw new IllegalArgumentException("seccomp: the four instruction arrays differ in length");
        }
        if (n == 0 || n > MAX_INSTRUCTIONS) {
            throw new IllegalArgumentException("seccomp: a filter has 1 to " + MAX_INSTRUCTIONS + " instructions, not " + n);
        }
        if ((flags & SECCOMP_FILTER_FLAG_TSYNC) != 0) {
            throw new IllegalArgumentException("seccomp: TSYNC would filter every thread of the JVM; jrun filters one thread");
        }
        if ((flags & ~(SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW)) != 0) {
            throw new IllegalArgumentException("seccomp: unsupported filter flags 0x" + Integer.toHexString(flags));
        }
        MemorySegment filter = arena.allocate(8L * n, 8);
        for (int i = 0; i < n; i++) {
            long at = 8L * i;
            filter.set(ValueLayout.JAVA_SHORT, at, code[i]);
            filter.set(ValueLayout.JAVA_BYTE, at + 2, jt[i]);
            filter.set(ValueLayout.JAVA_BYTE, at + 3, jf[i]);
            filter.set(ValueLayout.JAVA_INT, at + 4, k[i]);
        }
        // struct sock_fprog { unsigned short len; /* 6 bytes padding */ struct sock_filter *filter; }
        MemorySegment fprog = arena.allocate(16, 8);
        fprog.set(ValueLayout.JAVA_SHORT, 0, (short) n);
        fprog.set(ValueLayout.JAVA_LONG, 8, filter.address());
        return fprog;
    }
}
