package io.jrun.runtime.launch;

import io.jrun.linux.AtFlags;
import io.jrun.linux.Errno;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.FileTypes;
import io.jrun.linux.OpenFlags;
import io.jrun.linux.Processes;
import io.jrun.linux.Spawn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The FIFO that holds a spawned child between its clone and its exec: the seam between
 * {@code create} and {@code start} (runc's {@code exec.fifo}).
 *
 * <p>It lives on the host, in a directory of its own ({@code DIR/exec.fifo}), never in the
 * container: the app cannot see it, and {@code start} finds it by path from another process.
 * The child's first file actions are an {@code fchdir} to the directory's descriptor (outside
 * its root, which the pivot does not forbid) and the blocking open of {@code exec.fifo}; the
 * {@code fchdir} to the working directory that follows puts it back inside. Because glibc's
 * posix_spawn uses CLONE_VFORK, the spawning thread blocks with the child. The open lands on a
 * descriptor number the spawning thread owns (nothing of jrun's is clobbered in the child) and
 * is closed by the closeFrom that follows.
 *
 * <p>The directory and the FIFO belong to the app's user, mode 0700 and 0600: the child opens
 * them with the app's credentials. Opening the FIFO's write end releases the child; the
 * releaser then removes both.
 */
public final class Gate {
    /** The FIFO's name in its directory. */
    public static final String FIFO_NAME = "exec.fifo";
    static final String FIFO = FIFO_NAME;

    private final Path dir;
    private final Fd dirFd;

    private Gate(Path dir, Fd dirFd) {
        this.dir = dir;
        this.dirFd = dirFd;
    }

    /** The FIFO's path: what {@link #release(Path)} opens. */
    public Path fifo() {
        return dir.resolve(FIFO);
    }

    Fd dirFd() {
        return dirFd;
    }

    /**
     * Makes {@code dir} (which must not exist; its parent must) and the FIFO in it, both owned by
     * {@code uid}/{@code gid}.
     */
    static Gate create(Path dir, long uid, long gid) throws ErrnoException {
        FileSyscalls.mkdirat(AtFlags.AT_FDCWD, dir.toString(), 0700);
        Fd dirFd = null;
        try {
            dirFd = FileSyscalls.openat(AtFlags.AT_FDCWD, dir.toString(), OpenFlags.O_PATH | OpenFlags.O_DIRECTORY
                    | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC, 0);
            try (Fd real = FileSyscalls.openat(dirFd.value(), ".", OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY
                    | OpenFlags.O_CLOEXEC, 0)) {
                FileSyscalls.mknodat(real.value(), FIFO, FileTypes.S_IFIFO | 0600, 0);
                FileSyscalls.fchmodat(real.value(), FIFO, 0600); // mknod obeys the umask
                FileSyscalls.fchownat(real.value(), FIFO, uid, gid, AtFlags.AT_SYMLINK_NOFOLLOW);
                FileSyscalls.fchown(real.value(), uid, gid);
            }
            return new Gate(dir, dirFd);
        } catch (ErrnoException | RuntimeException e) {
            if (dirFd != null) {
                dirFd.close();
            }
            removeQuietly(dir);
            throw e;
        }
    }

    /** The child's first file actions: into the gate's directory, and the blocking open onto {@code placeholderFd}. */
    void addTo(Spawn.FileActions actions, int placeholderFd) throws ErrnoException {
        actions.fchdir(dirFd.value()).open(placeholderFd, FIFO, OpenFlags.O_RDONLY, 0);
    }

    /**
     * Releases the child waiting in the FIFO at {@code fifo} and removes the FIFO and its
     * directory. Non-blocking: false when no child waits there (it died, or was released).
     */
    public static boolean release(Path fifo) throws ErrnoException {
        boolean released;
        try (Fd writer = FileSyscalls.openat(AtFlags.AT_FDCWD, fifo.toString(), OpenFlags.O_WRONLY | OpenFlags.O_NONBLOCK
                | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC, 0)) {
            released = true;
        } catch (ErrnoException e) {
            if (e.errno() != Errno.ENXIO && e.errno() != Errno.ENOENT) {
                throw e;
            }
            released = false;
        }
        removeQuietly(fifo.getParent());
        return released;
    }

    /**
     * Releases the child from this process, through the directory's descriptor: right even if
     * the directory was renamed meanwhile (a pod's directory moves from prepare/ to run/ while
     * its app waits). False when no child waits (it died).
     */
    boolean release() throws ErrnoException {
        return openWriteEnd(dirFd.value(), FIFO);
    }

    /** Removes the FIFO and the directory, where they are now, as far as they exist. */
    void remove() {
        Path now = dir;
        try {
            now = Path.of(FileSyscalls.readlinkat(AtFlags.AT_FDCWD, "/proc/self/fd/" + dirFd.value()));
        } catch (ErrnoException | RuntimeException e) {
            // closed already: the path it was made at
        }
        try {
            dirFd.close();
        } catch (ErrnoException e) {
            // nothing to do
        }
        removeQuietly(now);
    }

    static void removeQuietly(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve(FIFO));
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a leftover FIFO costs nothing; the pod's or container's removal takes it
        }
    }

    /**
     * The pid of thread {@code tid}'s child, from /proc/self/task/TID/children: posix_spawn
     * cannot tell it while the child waits in a gate (CLONE_VFORK blocks the spawner). 0 if
     * {@code returned} says posix_spawn returned first.
     */
    static long spawnedChild(long tid, BooleanSupplier returned) throws IOException {
        Path children = Path.of("/proc/self/task/" + tid + "/children");
        while (true) {
            String text = Files.readString(children).strip();
            if (!text.isEmpty()) {
                return Long.parseLong(text.split(" ")[0]);
            }
            if (returned.getAsBoolean()) {
                return 0;
            }
            LockSupport.parkNanos(20_000);
        }
    }

    /**
     * Waits until {@code child} sleeps in the gate's open (the first openat of a posix_spawn
     * child). False if {@code abandoned} first says posix_spawn returned: the child is gone.
     */
    static boolean awaitChildInGate(long child, BooleanSupplier abandoned) throws IOException {
        while (!Processes.blockedInOpenat(child)) {
            if (abandoned.getAsBoolean()) {
                return false;
            }
            LockSupport.parkNanos(20_000);
        }
        return true;
    }

    /**
     * Opens and closes the write end of the FIFO {@code name} under {@code dirFd}, which lets the
     * reader blocked in its open go on. Non-blocking: false when no reader waits (ENXIO).
     */
    static boolean openWriteEnd(int dirFd, String name) throws ErrnoException {
        try (Fd writer = FileSyscalls.openat(dirFd, name, OpenFlags.O_WRONLY | OpenFlags.O_NONBLOCK | OpenFlags.O_CLOEXEC, 0)) {
            return true;
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ENXIO) {
                return false;
            }
            throw e;
        }
    }
}
