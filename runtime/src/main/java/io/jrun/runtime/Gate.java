package io.jrun.runtime;

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
 * The FIFO that holds the spawned child between its clone and its exec. It lives in the
 * container's /dev tmpfs, where the child finds it after the pivot.
 *
 * <p>The child's first file action opens it for reading, which blocks until a writer opens it;
 * because glibc's posix_spawn uses CLONE_VFORK, the spawning thread blocks with it. The open
 * lands on a descriptor number the setup thread owns (so nothing of jrun's is clobbered in the
 * child) and is closed by the closeFrom(3) that follows.
 *
 * <p>The app must never see the FIFO, and it runs as soon as the writer opens, so the name is
 * removed <em>before</em> the release: once the child sleeps in openat (it has resolved the
 * path then), the name goes, and the writer opens the same inode through the magic link
 * {@code /proc/self/fd/N} of an O_PATH descriptor jrun kept.
 */
final class Gate {
    static final String NAME = ".jrun-gate";
    /** Where the child finds it, after the pivot. */
    static final String PATH_IN_CONTAINER = "/dev/" + NAME;

    private Gate() {
    }

    /**
     * Makes the FIFO in the container's /dev, mode 0600 and owned by the app's user (the child
     * opens it with the app's credentials), and returns an O_PATH descriptor of it.
     */
    static Fd create(int devFd, User user) throws ErrnoException {
        FileSyscalls.mknodat(devFd, NAME, FileTypes.S_IFIFO | 0600, 0);
        FileSyscalls.fchownat(devFd, NAME, user.uid(), user.gid(), AtFlags.AT_SYMLINK_NOFOLLOW);
        return FileSyscalls.openat(devFd, NAME, OpenFlags.O_PATH | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC, 0);
    }

    /** The blocking open, as the first file action, onto {@code placeholderFd}. */
    static void addTo(Spawn.FileActions actions, int placeholderFd) throws ErrnoException {
        actions.open(placeholderFd, PATH_IN_CONTAINER, OpenFlags.O_RDONLY, 0);
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
     * Removes the FIFO's name (by path: the caller's root is the container's) and releases the
     * child by opening the write end through {@code procSelfFdDir} (the host's /proc/self/fd,
     * opened before the caller changed its root) and {@code fifoFd}. Non-blocking: false when
     * no reader waits (the child died).
     */
    static boolean release(int procSelfFdDir, int fifoFd) throws ErrnoException {
        FileSyscalls.unlinkat(AtFlags.AT_FDCWD, PATH_IN_CONTAINER, 0);
        return openWriteEnd(procSelfFdDir, String.valueOf(fifoFd));
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
