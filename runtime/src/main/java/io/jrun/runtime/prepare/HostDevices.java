package io.jrun.runtime.prepare;

import io.jrun.linux.AtFlags;
import io.jrun.linux.Errno;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.FileSyscalls.DirectoryEntry;
import io.jrun.linux.FileTypes;
import io.jrun.linux.OpenFlags;
import io.jrun.linux.Stat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import io.jrun.runtime.spec.Device;

/**
 * {@code --privileged}'s host devices: every character and block device of the host's /dev,
 * listed for the configuration's {@code linux.devices} (same path, type, numbers, mode and
 * owner), as docker and podman do when the container starts. The launch makes them again in the
 * container's own /dev tmpfs: not a bind mount of the host's /dev, where a launch must not write.
 * Devices plugged in later do not appear.
 */
final class HostDevices {
    private HostDevices() {
    }

    /** runc's list: the container's own (pts, shm, mqueue, fd), and the host's console. */
    private static final Set<String> SKIPPED = Set.of("pts", "shm", "mqueue", "fd", "console", "ptmx", ".lxc",
            ".lxd-mounts", ".udev");
    /** Deeper than any /dev tree (/dev/disk/by-id/… holds symlinks, not devices). */
    private static final int MAX_DEPTH = 8;

    /** The host's device nodes, as {@code linux.devices} entries. */
    static List<Device> list() throws ErrnoException {
        List<Device> devices = new ArrayList<>();
        try (Fd host = FileSyscalls.openat(AtFlags.AT_FDCWD, "/dev", OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY
                | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC, 0)) {
            list(host.value(), "/dev", 0, devices);
        }
        return devices;
    }

    private static void list(int dir, String path, int depth, List<Device> devices) throws ErrnoException {
        for (DirectoryEntry entry : FileSyscalls.listDirectory(dir)) {
            String name = entry.name();
            if (depth == 0 && SKIPPED.contains(name)) {
                continue;
            }
            Stat stat = FileSyscalls.statx(dir, name, AtFlags.AT_SYMLINK_NOFOLLOW);
            int type = stat.type();
            if (type == FileTypes.S_IFDIR && depth < MAX_DEPTH) {
                try (Fd sub = FileSyscalls.openat(dir, name, OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY
                        | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC, 0)) {
                    list(sub.value(), path + "/" + name, depth + 1, devices);
                }
            } else if (type == FileTypes.S_IFCHR || type == FileTypes.S_IFBLK) {
                devices.add(new Device(type == FileTypes.S_IFCHR ? "c" : "b", path + "/" + name, stat.rdevMajor(),
                        stat.rdevMinor(), stat.permissions(), stat.uid(), stat.gid()));
            }
        }
    }
}
