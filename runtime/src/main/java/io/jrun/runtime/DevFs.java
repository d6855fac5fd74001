package io.jrun.runtime;

import io.jrun.linux.AtFlags;
import io.jrun.linux.Errno;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.FileTypes;
import io.jrun.linux.Mounts;
import io.jrun.linux.OpenFlags;
import io.jrun.linux.ResolveFlags;
import io.jrun.linux.Stat;
import io.jrun.runtime.devices.DeviceNode;

import java.io.IOException;
import java.util.List;

/**
 * The container's /dev, as runc and podman make it: a small tmpfs with the safe character
 * devices, the usual symlinks, a private devpts instance, /dev/shm and /dev/mqueue; with
 * --privileged the host's devices too ({@link HostDevices}), and the nodes of --device. The
 * tmpfs is not nodev: it is where the container's devices are (the root's overlay is).
 */
final class DevFs {
    private DevFs() {
    }

    private record Device(String name, int major, int minor) {
    }

    private static final Device[] DEVICES = {
            new Device("null", 1, 3), new Device("zero", 1, 5), new Device("full", 1, 7),
            new Device("random", 1, 8), new Device("urandom", 1, 9), new Device("tty", 5, 0)};

    private static final String[][] LINKS = {
            {"ptmx", "pts/ptmx"}, {"fd", "/proc/self/fd"}, {"stdin", "/proc/self/fd/0"},
            {"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"}, {"core", "/proc/kcore"}};

    /**
     * Mounts /dev inside the root and returns an O_PATH descriptor of it (the gate FIFO lives
     * there until the app is released). {@code hostDevices} adds the host's device nodes,
     * {@code nodes} more.
     */
    static Fd mount(int rootFd, boolean hostDevices, List<DeviceNode> nodes) throws IOException {
        // The returned descriptor is the tmpfs' own (fsmount's): one of the /dev directory
        // opened before would refer to the image's directory underneath the tmpfs.
        Fd tmpfs = RootFs.create("tmpfs", "tmpfs", Mounts.MOUNT_ATTR_NOSUID | Mounts.MOUNT_ATTR_STRICTATIME,
                "mode=755", "size=65536k");
        try (Fd dev = RootFs.directory(rootFd, "/dev")) {
            // Populated while still detached: nothing is visible at /dev before it is complete.
            int d = tmpfs.value();
            for (Device device : DEVICES) {
                FileSyscalls.mknodat(d, device.name(), FileTypes.S_IFCHR | 0666, FileTypes.makedev(device.major(), device.minor()));
                FileSyscalls.fchmodat(d, device.name(), 0666); // mknod obeys the umask
            }
            for (String[] link : LINKS) {
                FileSyscalls.symlinkat(link[1], d, link[0]);
            }
            for (String dir : new String[] {"pts", "shm", "mqueue"}) {
                FileSyscalls.mkdirat(d, dir, 0755);
            }
            FileSyscalls.fchmodat(d, "shm", 01777);
            if (hostDevices) {
                HostDevices.copyInto(d);
            }
            for (DeviceNode node : nodes) {
                make(d, node);
            }
            RootFs.attach(tmpfs, dev);

            int noSuidExec = (int) (Mounts.MOUNT_ATTR_NOSUID | Mounts.MOUNT_ATTR_NOEXEC);
            RootFs.mount(rootFd, "/dev/pts", "devpts", "devpts", noSuidExec,
                    "newinstance", "ptmxmode=0666", "mode=0620", "gid=5");
            RootFs.mount(rootFd, "/dev/shm", "tmpfs", "shm", noSuidExec | Mounts.MOUNT_ATTR_NODEV,
                    "mode=1777", "size=65536k");
            // mqueue shows the IPC namespace of whoever mounts it: this thread's new one
            RootFs.mount(rootFd, "/dev/mqueue", "mqueue", "mqueue", noSuidExec | Mounts.MOUNT_ATTR_NODEV);
            return tmpfs;
        } catch (IOException | RuntimeException e) {
            tmpfs.close();
            throw e;
        }
    }

    /**
     * Makes {@code node} below {@code devFd}, with its parent directories; a node of the same
     * device there already (jrun's own, or the host's with --privileged) is kept. The path is
     * resolved without following symlinks: /dev/fd and the like lead elsewhere.
     */
    private static void make(int devFd, DeviceNode node) throws IOException {
        String[] parts = node.pathInDev().split("/");
        Fd parent = null;
        try {
            for (int i = 0; i < parts.length - 1; i++) {
                int at = parent == null ? devFd : parent.value();
                try {
                    FileSyscalls.mkdirat(at, parts[i], 0755);
                } catch (ErrnoException e) {
                    if (e.errno() != Errno.EEXIST) {
                        throw e;
                    }
                }
                Fd next = FileSyscalls.openat2(at, parts[i], OpenFlags.O_PATH | OpenFlags.O_DIRECTORY | OpenFlags.O_CLOEXEC,
                        0, ResolveFlags.RESOLVE_BENEATH | ResolveFlags.RESOLVE_NO_SYMLINKS);
                if (parent != null) {
                    parent.close();
                }
                parent = next;
            }
            int at = parent == null ? devFd : parent.value();
            String name = parts[parts.length - 1];
            int type = node.type().equals("b") ? FileTypes.S_IFBLK : FileTypes.S_IFCHR;
            try {
                FileSyscalls.mknodat(at, name, type | node.fileMode(), FileTypes.makedev((int) node.major(), (int) node.minor()));
            } catch (ErrnoException e) {
                if (e.errno() != Errno.EEXIST) {
                    throw e;
                }
                Stat there = FileSyscalls.statx(at, name, AtFlags.AT_SYMLINK_NOFOLLOW);
                if (there.type() != type || there.rdevMajor() != node.major() || there.rdevMinor() != node.minor()) {
                    throw new IOException("the container's /dev has " + node.path() + " already, not as device "
                            + node.type() + " " + node.major() + ":" + node.minor() + ": give --device another container path");
                }
                return; // the same device: as it is
            }
            FileSyscalls.fchmodat(at, name, node.fileMode()); // mknod obeys the umask
            FileSyscalls.fchownat(at, name, node.uid(), node.gid(), AtFlags.AT_SYMLINK_NOFOLLOW);
        } catch (ErrnoException e) {
            throw new IOException("cannot make the device node " + node.path() + " in the container: " + e.getMessage(), e);
        } finally {
            if (parent != null) {
                parent.closeQuietly();
            }
        }
    }
}
