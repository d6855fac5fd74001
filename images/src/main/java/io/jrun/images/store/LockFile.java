package io.jrun.images.store;

import io.jrun.linux.AtFlags;
import io.jrun.linux.Errno;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.Locks;
import io.jrun.linux.OpenFlags;

import java.io.IOException;
import java.nio.file.Path;

/**
 * flock(2) on a lock file, for the store's locks.
 *
 * <p>Not FileChannel.lock: that takes fcntl (POSIX) record locks, and the kernel runs deadlock
 * detection on those per process, not per thread. Two multithreaded fetches, each with one
 * thread holding a layer lock and another waiting for the layer the other process holds, form
 * a cycle between processes that is no deadlock at all, and the kernel fails the wait with
 * EDEADLK ("Resource deadlock avoided"). flock has no such detection, belongs to the open file
 * description (so two descriptors of one process conflict exactly like two processes), and goes
 * away when the holder dies, even by SIGKILL.
 */
final class LockFile {
    private LockFile() {
    }

    /** Blocks until {@code file} (created if missing) is locked shared or exclusive. */
    static StoreLock.Held lock(Path file, boolean shared) throws IOException {
        return take(open(file, OpenFlags.O_CREAT), shared ? Locks.LOCK_SH : Locks.LOCK_EX, true);
    }

    /**
     * Locks {@code file} exclusive if no one holds it, or returns null; also null when
     * {@code create} is false and the file does not exist.
     */
    static StoreLock.Held tryLock(Path file, boolean create) throws IOException {
        Fd fd;
        try {
            fd = open(file, create ? OpenFlags.O_CREAT : 0);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ENOENT) {
                return null;
            }
            throw e;
        }
        return take(fd, Locks.LOCK_EX, false);
    }

    /** Creates {@code file}, which must not exist yet, and locks it exclusive. */
    static StoreLock.Held createLocked(Path file) throws IOException {
        return take(open(file, OpenFlags.O_CREAT | OpenFlags.O_EXCL), Locks.LOCK_EX, true);
    }

    private static Fd open(Path file, int flags) throws ErrnoException {
        return FileSyscalls.openat(AtFlags.AT_FDCWD, file.toString(),
                OpenFlags.O_RDWR | OpenFlags.O_CLOEXEC | OpenFlags.O_NOFOLLOW | flags, 0644);
    }

    private static StoreLock.Held take(Fd fd, int mode, boolean wait) throws ErrnoException {
        try {
            if (wait) {
                Locks.lock(fd.value(), mode);
            } else if (!Locks.tryLock(fd.value(), mode)) {
                fd.close();
                return null;
            }
        } catch (ErrnoException e) {
            fd.closeQuietly();
            throw e;
        }
        return fd::close;
    }
}
