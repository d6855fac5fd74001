package io.jrun.linux;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.jrun.linux.Syscall.NR;
import static io.jrun.linux.Syscall.call;

/**
 * Capabilities and no_new_privs, through capget/capset and prctl as raw system calls. All of
 * them are per <em>thread</em>: dropping a capability on the setup thread leaves the rest of
 * the JVM as it was, and whatever that thread spawns inherits its sets (through execve's rules).
 */
public final class Capabilities {
    private Capabilities() {
    }

    public static final int CAP_CHOWN = 0, CAP_DAC_OVERRIDE = 1, CAP_DAC_READ_SEARCH = 2, CAP_FOWNER = 3,
            CAP_FSETID = 4, CAP_KILL = 5, CAP_SETGID = 6, CAP_SETUID = 7, CAP_SETPCAP = 8,
            CAP_LINUX_IMMUTABLE = 9, CAP_NET_BIND_SERVICE = 10, CAP_NET_BROADCAST = 11, CAP_NET_ADMIN = 12,
            CAP_NET_RAW = 13, CAP_IPC_LOCK = 14, CAP_IPC_OWNER = 15, CAP_SYS_MODULE = 16, CAP_SYS_RAWIO = 17,
            CAP_SYS_CHROOT = 18, CAP_SYS_PTRACE = 19, CAP_SYS_PACCT = 20, CAP_SYS_ADMIN = 21, CAP_SYS_BOOT = 22,
            CAP_SYS_NICE = 23, CAP_SYS_RESOURCE = 24, CAP_SYS_TIME = 25, CAP_SYS_TTY_CONFIG = 26, CAP_MKNOD = 27,
            CAP_LEASE = 28, CAP_AUDIT_WRITE = 29, CAP_AUDIT_CONTROL = 30, CAP_SETFCAP = 31,
            CAP_MAC_OVERRIDE = 32, CAP_MAC_ADMIN = 33, CAP_SYSLOG = 34, CAP_WAKE_ALARM = 35,
            CAP_BLOCK_SUSPEND = 36, CAP_AUDIT_READ = 37, CAP_PERFMON = 38, CAP_BPF = 39,
            CAP_CHECKPOINT_RESTORE = 40;

    // prctl(2) options
    public static final int PR_SET_PDEATHSIG = 1;
    public static final int PR_CAPBSET_READ = 23;
    public static final int PR_CAPBSET_DROP = 24;
    public static final int PR_SET_NO_NEW_PRIVS = 38;
    public static final int PR_GET_NO_NEW_PRIVS = 39;
    public static final int PR_CAP_AMBIENT = 47;
    public static final int PR_CAP_AMBIENT_IS_SET = 1;
    public static final int PR_CAP_AMBIENT_RAISE = 2;
    public static final int PR_CAP_AMBIENT_LOWER = 3;
    public static final int PR_CAP_AMBIENT_CLEAR_ALL = 4;

    /** _LINUX_CAPABILITY_VERSION_3: two 32-bit words per set. */
    private static final int VERSION_3 = 0x20080522;

    /** A thread's three capability sets, one bit per CAP_* number. */
    public record Sets(long effective, long permitted, long inheritable) {
        public boolean hasEffective(int capability) {
            return (effective & (1L << capability)) != 0;
        }
    }

    /** capget(2) for the calling thread. */
    public static Sets get() throws ErrnoException {
        MemorySegment m = Syscall.scratch().struct();
        // struct __user_cap_header_struct { u32 version; int pid; } then data[2] { u32 effective, permitted, inheritable; }
        m.set(ValueLayout.JAVA_INT, 0, VERSION_3);
        m.set(ValueLayout.JAVA_INT, 4, 0); // 0: the calling thread
        MemorySegment data = m.asSlice(8, 24);
        call("capget", null, NR.capget(), m.address(), data.address());
        return new Sets(word(data, 0), word(data, 4), word(data, 8));
    }

    /**
     * capset(2) for the calling thread. The kernel only lets permitted shrink, inheritable grow
     * within the bounding set and permitted, and effective stay within permitted (EPERM).
     */
    public static void set(Sets sets) throws ErrnoException {
        MemorySegment m = Syscall.scratch().struct();
        m.set(ValueLayout.JAVA_INT, 0, VERSION_3);
        m.set(ValueLayout.JAVA_INT, 4, 0);
        MemorySegment data = m.asSlice(8, 24);
        long[] values = {sets.effective(), sets.permitted(), sets.inheritable()};
        for (int i = 0; i < 3; i++) {
            data.set(ValueLayout.JAVA_INT, i * 4L, (int) values[i]);
            data.set(ValueLayout.JAVA_INT, 12 + i * 4L, (int) (values[i] >>> 32));
        }
        call("capset", null, NR.capset(), m.address(), data.address());
    }

    private static long word(MemorySegment data, long offset) {
        return Integer.toUnsignedLong(data.get(ValueLayout.JAVA_INT, offset))
                | Integer.toUnsignedLong(data.get(ValueLayout.JAVA_INT, offset + 12)) << 32;
    }

    /** prctl(2) through the raw system call; returns its result. */
    public static long prctl(int option, long arg2, long arg3, long arg4, long arg5) throws ErrnoException {
        return call("prctl", null, NR.prctl(), option, arg2, arg3, arg4, arg5);
    }

    /** Drops {@code capability} from the calling thread's bounding set (needs CAP_SETPCAP). */
    public static void dropBounding(int capability) throws ErrnoException {
        prctl(PR_CAPBSET_DROP, capability, 0, 0, 0);
    }

    /** Whether {@code capability} is in the calling thread's bounding set. */
    public static boolean inBounding(int capability) throws ErrnoException {
        return prctl(PR_CAPBSET_READ, capability, 0, 0, 0) == 1;
    }

    /** Raises {@code capability} in the ambient set; it must be permitted and inheritable already. */
    public static void raiseAmbient(int capability) throws ErrnoException {
        prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, capability, 0, 0);
    }

    public static void clearAmbient() throws ErrnoException {
        prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    }

    public static boolean inAmbient(int capability) throws ErrnoException {
        return prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, capability, 0, 0) == 1;
    }

    /** Sets no_new_privs on the calling thread; it cannot be unset, and is inherited. */
    public static void setNoNewPrivs() throws ErrnoException {
        prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    }

    public static boolean noNewPrivs() throws ErrnoException {
        return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1;
    }

    /**
     * The highest capability number this kernel knows, from /proc/sys/kernel/cap_last_cap
     * (which ends in a newline: stripped). Careful: {@code Files.readString} returns just "4"
     * for "40\n" there. The file reports size 0, so the JDK reads one byte, then asks for the
     * rest at offset 1, and integer sysctls answer any read at a non-zero offset with EOF. One
     * large read, as an InputStream's readAllBytes does, gets it whole.
     */
    public static int lastCap() {
        try (InputStream in = Files.newInputStream(Path.of("/proc/sys/kernel/cap_last_cap"))) {
            return Integer.parseInt(new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/sys/kernel/cap_last_cap", e);
        }
    }
}
