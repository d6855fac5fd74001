package io.jrun.runtime;

import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.FileTypes;
import io.jrun.linux.Mounts;

/**
 * The container's /dev, as runc and podman make it: a small tmpfs with the safe character
 * devices, the usual symlinks, a private devpts instance, /dev/shm and /dev/mqueue; with
 * --privileged the host's devices too ({@link HostDevices}).
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
     * there until the app is released). {@code hostDevices} adds the host's device nodes.
     */
    static Fd mount(int rootFd, boolean hostDevices) throws ErrnoException {
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
            RootFs.attach(tmpfs, dev);

            int noSuidExec = (int) (Mounts.MOUNT_ATTR_NOSUID | Mounts.MOUNT_ATTR_NOEXEC);
            RootFs.mount(rootFd, "/dev/pts", "devpts", "devpts", noSuidExec,
                    "newinstance", "ptmxmode=0666", "mode=0620", "gid=5");
            RootFs.mount(rootFd, "/dev/shm", "tmpfs", "shm", noSuidExec | Mounts.MOUNT_ATTR_NODEV,
                    "mode=1777", "size=65536k");
            // mqueue shows the IPC namespace of whoever mounts it: this thread's new one
            RootFs.mount(rootFd, "/dev/mqueue", "mqueue", "mqueue", noSuidExec | Mounts.MOUNT_ATTR_NODEV);
            return tmpfs;
        } catch (ErrnoException | RuntimeException e) {
            tmpfs.close();
            throw e;
        }
    }
}
