package io.jrun.runtime.launch;

import io.jrun.linux.AtFlags;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.FileTypes;
import io.jrun.linux.OpenFlags;
import io.jrun.linux.Spawn;
import io.jrun.linux.Uuids;

import java.nio.file.Path;
import io.jrun.runtime.launch.Gate;
import io.jrun.runtime.launch.User;

/**
 * The FIFO that holds a process {@code jrun enter} starts until it is in the pod's cgroup,
 * as {@link Gate} holds a run's app. The app runs already, so the FIFO is not put where it
 * could see it: it lives in a directory of its own in the pod's directory on the host. The
 * child reaches it by a descriptor: its first file actions are an fchdir to that directory
 * (outside its root, which the chroot does not forbid) and the blocking open of the FIFO; the
 * chdir to the working directory that follows is resolved in the container's root again.
 * The directory and the FIFO belong to the process's user, who opens it.
 */
final class EnterGate implements AutoCloseable {
    private static final String FIFO = "gate";
    private final Path dir;
    private final Fd dirFd;

    private EnterGate(Path dir, Fd dirFd) {
        this.dir = dir;
        this.dirFd = dirFd;
    }

    static EnterGate create(Path podDir, User user) throws ErrnoException {
        Path dir = podDir.resolve(".enter-" + Uuids.random());
        FileSyscalls.mkdirat(AtFlags.AT_FDCWD, dir.toString(), 0700);
        try {
            FileSyscalls.fchownat(AtFlags.AT_FDCWD, dir.toString(), user.uid(), user.gid(), AtFlags.AT_SYMLINK_NOFOLLOW);
            Fd dirFd = FileSyscalls.openat(AtFlags.AT_FDCWD, dir.toString(),
                    OpenFlags.O_PATH | OpenFlags.O_DIRECTORY | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC, 0);
            try {
                FileSyscalls.mknodat(dirFd.value(), FIFO, FileTypes.S_IFIFO | 0600, 0);
                FileSyscalls.fchownat(dirFd.value(), FIFO, user.uid(), user.gid(), AtFlags.AT_SYMLINK_NOFOLLOW);
                return new EnterGate(dir, dirFd);
            } catch (ErrnoException e) {
                dirFd.closeQuietly();
                throw e;
            }
        } catch (ErrnoException e) {
            removeQuietly(dir);
            throw e;
        }
    }

    /** The descriptor the child's fchdir uses; open until {@link #close}. */
    int dirFd() {
        return dirFd.value();
    }

    /**
     * The child's first file actions: into the directory, then the blocking open, onto the
     * directory's own descriptor number (closed by the closeFrom(3) that follows).
     */
    static void addTo(Spawn.FileActions actions, int dirFd) throws ErrnoException {
        actions.fchdir(dirFd).open(dirFd, FIFO, OpenFlags.O_RDONLY, 0);
    }

    /** Opens the write end, which lets the child go on; false when no reader waits (it died). */
    boolean release() throws ErrnoException {
        return Gate.openWriteEnd(dirFd.value(), FIFO);
    }

    @Override
    public void close() {
        dirFd.closeQuietly();
        removeQuietly(dir);
    }

    private static void removeQuietly(Path dir) {
        try {
            FileSyscalls.unlinkat(AtFlags.AT_FDCWD, dir.resolve(FIFO).toString(), 0);
        } catch (ErrnoException e) {
            // not made, or gone
        }
        try {
            FileSyscalls.unlinkat(AtFlags.AT_FDCWD, dir.toString(), AtFlags.AT_REMOVEDIR);
        } catch (ErrnoException e) {
            // not made, or gone
        }
    }
}
