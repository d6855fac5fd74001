package io.jrun.runtime.launch;

import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;

/**
 * The app's working directory, opened (created when missing, as docker does) inside the
 * container's root before the spawn; the child changes into it by descriptor. A directory that
 * an image's symlink leads into /proc or /sys is refused, as a working directory named there is
 * ({@link ContainerSpec#checkWorkingDir}).
 */
final class WorkingDir {
    private WorkingDir() {
    }

    static Fd open(int rootFd, String path) throws LaunchException, ErrnoException {
        Fd dir;
        try {
            dir = RootFs.directory(rootFd, path);
        } catch (ErrnoException e) {
            throw new LaunchException(LaunchException.JRUN_ERROR, "cannot make the working directory " + path
                    + " in the container: " + io.jrun.linux.Errno.message(e.errno()) + " (" + e.errnoName()
                    + "): choose another, or fix the image", e);
        }
        try {
            String reached = RootFs.pathInRoot(rootFd, dir.value());
            if (reached == null || RootFs.inKernelFileSystem(reached)) {
                throw new LaunchException(LaunchException.JRUN_ERROR, "the working directory " + path + " leads to "
                        + (reached == null ? "outside the container" : reached) + " through a symlink in the image,"
                        + " which jrun does not allow: choose another");
            }
            return dir;
        } catch (LaunchException | ErrnoException | RuntimeException e) {
            dir.close();
            throw e;
        }
    }
}
