package io.jrun.linux;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.jrun.linux.Syscall.NR;
import static io.jrun.linux.Syscall.call;

/**
 * Pseudo-terminal pairs from a devpts instance's {@code ptmx}: what posix_openpt, unlockpt and
 * ptsname do, as ioctls on the master. Each devpts instance numbers its own pairs from 0, and
 * a {@code ptmx} opened through a given devpts mount (its {@code pts/ptmx} node) allocates in
 * that instance: a container's private devpts hands out the container's {@code /dev/pts/0}.
 */
public final class PseudoTerminals {
    private PseudoTerminals() {
    }

    // asm-generic/ioctls.h: _IOR('T', 0x30, unsigned int) and _IOW('T', 0x31, int)
    private static final long TIOCGPTN = 0x80045430L;
    private static final long TIOCSPTLCK = 0x40045431L;

    /**
     * Opens a new master through the {@code ptmx} node at {@code path} (relative to
     * {@code dirFd}) and unlocks its slave, so the slave can be opened. The master is opened
     * O_NOCTTY (a session leader without a terminal would otherwise acquire it as its
     * controlling terminal) and O_CLOEXEC.
     */
    public static Fd openMaster(int dirFd, String path) throws ErrnoException {
        Fd master = FileSyscalls.openat(dirFd, path, OpenFlags.O_RDWR | OpenFlags.O_NOCTTY | OpenFlags.O_CLOEXEC, 0);
        try {
            unlock(master.value());
            return master;
        } catch (ErrnoException | RuntimeException e) {
            master.close();
            throw e;
        }
    }

    /**
     * Unlocks the slave of {@code masterFd} (TIOCSPTLCK with 0, unlockpt(3)): a new pair's slave
     * refuses to open (EIO) until then.
     */
    public static void unlock(int masterFd) throws ErrnoException {
        MemorySegment lock = Syscall.scratch().struct();
        lock.set(ValueLayout.JAVA_INT, 0, 0);
        call("ioctl TIOCSPTLCK", null, NR.ioctl(), masterFd, TIOCSPTLCK, lock.address());
    }

    /**
     * The number N of the master's slave, {@code pts/N} in its devpts instance (TIOCGPTN). The
     * number is the instance's own: the same N names another terminal in another instance.
     */
    public static int number(int masterFd) throws ErrnoException {
        MemorySegment n = Syscall.scratch().struct();
        call("ioctl TIOCGPTN", null, NR.ioctl(), masterFd, TIOCGPTN, n.address());
        return n.get(ValueLayout.JAVA_INT, 0);
    }
}
