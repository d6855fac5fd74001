package io.jrun.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.jrun.linux.Syscall.NR;
import static io.jrun.linux.Syscall.call;

/**
 * User and group ids through the <em>raw</em> system calls, which change the calling thread
 * only. Never use glibc's setuid-family wrappers from the JVM: they broadcast the change to
 * every thread of the process (the "setxid" signal dance), the JVM's included. -1 leaves an id
 * unchanged. Order on the setup thread: setgroups, setresgid, then setresuid (after which the
 * thread may lack the right to change groups).
 */
public final class Credentials {
    private Credentials() {
    }

    /** setresuid(2) for the calling thread. */
    public static void setresuid(long ruid, long euid, long suid) throws ErrnoException {
        call("setresuid", null, NR.setresuid(), ruid & 0xffffffffL, euid & 0xffffffffL, suid & 0xffffffffL);
    }

    /** setresgid(2) for the calling thread. */
    public static void setresgid(long rgid, long egid, long sgid) throws ErrnoException {
        call("setresgid", null, NR.setresgid(), rgid & 0xffffffffL, egid & 0xffffffffL, sgid & 0xffffffffL);
    }

    /** setgroups(2) for the calling thread: the supplementary groups, possibly none. */
    public static void setgroups(long... gids) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment list = arena.allocate(ValueLayout.JAVA_INT, Math.max(1, gids.length));
            for (int i = 0; i < gids.length; i++) {
                list.setAtIndex(ValueLayout.JAVA_INT, i, (int) gids[i]);
            }
            call("setgroups", null, NR.setgroups(), gids.length, list.address());
        }
    }
}
