package io.jrun.runtime.launch;

import io.jrun.linux.AtFlags;
import io.jrun.linux.Errno;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.OpenFlags;
import io.jrun.linux.Processes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import io.jrun.runtime.launch.LaunchException;

/**
 * A running pod's app, pinned for {@code jrun enter}: a pidfd (what setns joins), a descriptor
 * of its root directory (what the entered process gets as its root, and where its user,
 * command and working directory are looked up), and its status. Never a stranger's: the pidfd
 * is checked against the start time pid.json recorded, and the app is checked alive again
 * after its /proc files were opened, so a pid recycled meanwhile cannot slip in.
 */
final class AppProcess implements AutoCloseable {
    private static final int STATUS_LIMIT = 64 << 10;

    private final Fd pidfd;
    private final Fd root;
    private final ProcStatus status;

    private AppProcess(Fd pidfd, Fd root, ProcStatus status) {
        this.pidfd = pidfd;
        this.root = root;
        this.status = status;
    }

    /** Pins the app of pod {@code pod}; a LaunchException (125) when it has exited. */
    static AppProcess open(long pid, long startTime, String pod) throws LaunchException, IOException {
        Fd pidfd;
        try {
            pidfd = Processes.pidfdOpen(pid);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ESRCH) {
                throw exited(pod);
            }
            throw e;
        }
        Fd root = null;
        try {
            if (startTime != 0 && Processes.startTime(pid).orElse(-1) != startTime) {
                throw exited(pod); // gone, or its pid is another process's now
            }
            // the pidfd is the app's; the /proc files opened now are too if it is alive afterwards
            String status;
            try (Fd proc = FileSyscalls.openat(AtFlags.AT_FDCWD, "/proc/" + pid,
                    OpenFlags.O_PATH | OpenFlags.O_DIRECTORY | OpenFlags.O_CLOEXEC, 0)) {
                root = FileSyscalls.openat(proc.value(), "root", OpenFlags.O_PATH | OpenFlags.O_DIRECTORY
                        | OpenFlags.O_CLOEXEC, 0); // the magic link, followed: the app's root directory
                try (Fd file = FileSyscalls.openat(proc.value(), "status", OpenFlags.O_RDONLY | OpenFlags.O_CLOEXEC, 0)) {
                    status = new String(FileSyscalls.readAll(file.value(), STATUS_LIMIT), StandardCharsets.US_ASCII);
                }
            }
            Processes.pidfdSendSignal(pidfd.value(), 0);
            return new AppProcess(pidfd, root, ProcStatus.parse(status));
        } catch (ErrnoException e) {
            closeQuietly(pidfd, root);
            if (e.errno() == Errno.ESRCH || e.errno() == Errno.ENOENT) {
                throw exited(pod); // it ended while being opened
            }
            throw e;
        } catch (LaunchException | IOException | RuntimeException e) {
            closeQuietly(pidfd, root);
            throw e;
        }
    }

    static LaunchException exited(String pod) {
        return new LaunchException(LaunchException.JRUN_ERROR, "the app of pod " + pod
                + " has exited: only a running pod can be entered (jrun list shows which run)");
    }

    /** The app's pidfd, for setns. */
    int pidfd() {
        return pidfd.value();
    }

    /** An O_PATH descriptor of the app's root directory. */
    int root() {
        return root.value();
    }

    ProcStatus status() {
        return status;
    }

    @Override
    public void close() {
        closeQuietly(pidfd, root);
    }

    private static void closeQuietly(Fd... fds) {
        for (Fd fd : fds) {
            if (fd != null) {
                fd.closeQuietly();
            }
        }
    }
}
