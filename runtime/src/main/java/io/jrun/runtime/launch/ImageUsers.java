package io.jrun.runtime.launch;

import io.jrun.linux.AtFlags;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Errno;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.FileTypes;
import io.jrun.linux.OpenFlags;
import io.jrun.linux.ResolveFlags;
import io.jrun.linux.Stat;

import java.nio.charset.StandardCharsets;

/**
 * Reads the image's /etc/passwd and /etc/group from the container's mounted root, on the
 * setup thread before the pivot, and resolves the user with {@link UserLookup}. The files are
 * the image's: looked up inside the root (a symlink cannot lead to the host's), only regular
 * files are read (a FIFO or device there would block or do harm), and at most 4 MiB each.
 */
final class ImageUsers {
    private static final int LIMIT = 4 << 20;

    private ImageUsers() {
    }

    static UserLookup.Resolved resolve(int rootFd, String spec) throws LaunchException, ErrnoException {
        return UserLookup.resolve(spec, read(rootFd, "etc/passwd"), read(rootFd, "etc/group"));
    }

    /** The file's text, or null when the image has no such regular file. */
    private static String read(int rootFd, String path) throws LaunchException, ErrnoException {
        try (Fd pathFd = FileSyscalls.openat2(rootFd, path, OpenFlags.O_PATH | OpenFlags.O_CLOEXEC, 0, ResolveFlags.RESOLVE_IN_ROOT)) {
            Stat stat = FileSyscalls.statx(pathFd.value(), "", AtFlags.AT_EMPTY_PATH);
            if (!FileTypes.isRegular(stat.mode())) {
                return null;
            }
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ENOENT || e.errno() == Errno.ENOTDIR || e.errno() == Errno.ELOOP) {
                return null;
            }
            throw e;
        }
        try (Fd file = FileSyscalls.openat2(rootFd, path, OpenFlags.O_RDONLY | OpenFlags.O_NONBLOCK | OpenFlags.O_NOCTTY
                | OpenFlags.O_CLOEXEC, 0, ResolveFlags.RESOLVE_IN_ROOT)) {
            return new String(FileSyscalls.readAll(file.value(), LIMIT), StandardCharsets.UTF_8);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.EFBIG) {
                throw new LaunchException(LaunchException.JRUN_ERROR, "the image's /" + path
                        + " is larger than 4 MiB: fix the image, or run with a numeric -u UID:GID", e);
            }
            throw e;
        }
    }
}
