package io.jrun.runtime;

import io.jrun.linux.AtFlags;
import io.jrun.linux.Errno;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.FileSyscalls.DirectoryEntry;
import io.jrun.linux.FileTypes;
import io.jrun.linux.OpenFlags;
import io.jrun.linux.Stat;

import java.util.Set;

/**
 * {@code --privileged}'s host devices: every character and block device of the host's /dev is
 * made again, same path, type, numbers, mode and owner, in the container's /dev tmpfs, as
 * docker and podman do (they list the host's /dev when the container starts). Not a bind mount
 * of the host's /dev: the container's /dev must stay jrun's own tmpfs, where the gate FIFO and
 * the container's devpts live, and a launch must not write into the host's devtmpfs. Devices
 * plugged in later do not appear. Runs on the setup thread before the pivot (the host's /dev is
 * still reachable).
 */
final class HostDevices {
    private HostDevices() {
    }

    /** runc's list: the container's own (pts, shm, mqueue, fd), and the host's console. */
    private static final Set<String> SKIPPED = Set.of("pts", "shm", "mqueue", "fd", "console", "ptmx", ".lxc",
            ".lxd-mounts", ".udev");
    /** Deeper than any /dev tree (/dev/disk/by-id/… holds symlinks, not devices). */
    private static final int MAX_DEPTH = 8;

    /** Copies the host's device nodes into the directory {@code devFd} (the container's /dev tmpfs). */
    static void copyInto(int devFd) throws ErrnoException {
        try (Fd host = FileSyscalls.openat(AtFlags.AT_FDCWD, "/dev", OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY
                | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC, 0)) {
            copy(host.value(), devFd, 0);
        }
    }

    private static void copy(int from, int to, int depth) throws ErrnoException {
        for (DirectoryEntry entry : FileSyscalls.listDirectory(from)) {
            String name = entry.name();
            if (depth == 0 && SKIPPED.contains(name)) {
                continue;
            }
            Stat stat = FileSyscalls.statx(from, name, AtFlags.AT_SYMLINK_NOFOLLOW);
            int type = stat.type();
            if (type == FileTypes.S_IFDIR && depth < MAX_DEPTH) {
                try (Fd subFrom = FileSyscalls.openat(from, name, OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY
                        | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC, 0)) {
                    mkdir(to, name, stat.permissions());
                    try (Fd subTo = FileSyscalls.openat(to, name, OpenFlags.O_PATH | OpenFlags.O_DIRECTORY
                            | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC, 0)) {
                        copy(subFrom.value(), subTo.value(), depth + 1);
                    }
                }
            } else if (type == FileTypes.S_IFCHR || type == FileTypes.S_IFBLK) {
                try {
                    FileSyscalls.mknodat(to, name, stat.mode(), FileTypes.makedev(stat.rdevMajor(), stat.rdevMinor()));
                } catch (ErrnoException e) {
                    if (e.errno() == Errno.EEXIST) {
                        continue; // one of jrun's own: null, zero, tty…
                    }
                    throw e;
                }
                FileSyscalls.fchmodat(to, name, stat.permissions()); // mknod obeys the umask
                FileSyscalls.fchownat(to, name, stat.uid(), stat.gid(), AtFlags.AT_SYMLINK_NOFOLLOW);
            }
        }
    }

    private static void mkdir(int parent, String name, int mode) throws ErrnoException {
        try {
            FileSyscalls.mkdirat(parent, name, mode);
        } catch (ErrnoException e) {
            if (e.errno() != Errno.EEXIST) {
                throw e;
            }
        }
    }
}
