package io.jrun.linux;

import static io.jrun.linux.Syscall.NR;
import static io.jrun.linux.Syscall.call;
import static io.jrun.linux.Syscall.raw;

/**
 * flock(2) locks. They belong to the open file description, not to the process (unlike the
 * fcntl locks behind Java's FileChannel.lock), so they work on directories, two descriptors
 * of one process conflict like two processes do, and the lock goes away exactly when the last
 * descriptor of it closes, which the kernel does for a process that dies, even by SIGKILL.
 */
public final class Locks {
    private Locks() {
    }

    public static final int LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;

    /** Blocks until {@code fd} is locked shared or exclusive ({@link #LOCK_SH}, {@link #LOCK_EX}). */
    public static void lock(int fd, int mode) throws ErrnoException {
        call("flock", null, NR.flock(), fd, mode);
    }

    /** Takes the lock if it is free: false when another open file description holds it. */
    public static boolean tryLock(int fd, int mode) throws ErrnoException {
        long result = raw(NR.flock(), fd, mode | LOCK_NB, 0, 0, 0, 0); // EWOULDBLOCK is EAGAIN on Linux
        if (result == -Errno.EAGAIN) {
            return false;
        }
        if (result < 0) {
            throw new ErrnoException("flock", null, (int) -result);
        }
        return true;
    }

    public static void unlock(int fd) throws ErrnoException {
        call("flock", null, NR.flock(), fd, LOCK_UN);
    }
}
