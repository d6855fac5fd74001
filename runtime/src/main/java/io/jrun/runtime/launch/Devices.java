package io.jrun.runtime.launch;

import io.jrun.linux.AtFlags;
import io.jrun.linux.Errno;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.FileTypes;
import io.jrun.runtime.spec.Device;

import java.util.List;

/**
 * The nodes of the container's /dev: {@code linux.devices}, then the defaults the runtime
 * specification requires of every container (null, zero, full, random, urandom, tty), and the
 * usual symlinks ({@code fd}, {@code stdin}, {@code stdout}, {@code stderr}, {@code ptmx},
 * {@code core}). On the setup thread after the mounts (a /dev tmpfs is among them), before the
 * pivot. Whether the app may open them is the device cgroup's decision, not theirs.
 */
final class Devices {
    private Devices() {
    }

    private record Default(String name, int major, int minor) {
    }

    private static final Default[] DEFAULTS = {
            new Default("null", 1, 3), new Default("zero", 1, 5), new Default("full", 1, 7),
            new Default("random", 1, 8), new Default("urandom", 1, 9), new Default("tty", 5, 0)};

    private static final String[][] LINKS = {
            {"fd", "/proc/self/fd"}, {"stdin", "/proc/self/fd/0"}, {"stdout", "/proc/self/fd/1"},
            {"stderr", "/proc/self/fd/2"}, {"core", "/proc/kcore"}};

    /** Makes the nodes and links inside the root {@code rootFd}; returns the /dev directory. */
    static Fd populate(int rootFd, List<Device> devices, boolean devpts) throws ErrnoException {
        for (Device d : devices) {
            make(rootFd, d);
        }
        Fd dev = RootFs.directory(rootFd, "/dev");
        try {
            int d = dev.value();
            for (Default device : DEFAULTS) {
                try {
                    FileSyscalls.mknodat(d, device.name(), FileTypes.S_IFCHR | 0666,
                            FileTypes.makedev((int) device.major(), (int) device.minor()));
                    FileSyscalls.fchmodat(d, device.name(), 0666); // mknod obeys the umask
                } catch (ErrnoException e) {
                    if (e.errno() != Errno.EEXIST) {
                        throw e; // one the configuration listed, or the image's, stays
                    }
                }
            }
            for (String[] link : LINKS) {
                symlink(d, link[1], link[0]);
            }
            if (devpts) {
                symlink(d, "pts/ptmx", "ptmx");
            }
            return dev;
        } catch (ErrnoException | RuntimeException e) {
            dev.close();
            throw e;
        }
    }

    private static void symlink(int dirFd, String target, String name) throws ErrnoException {
        try {
            FileSyscalls.symlinkat(target, dirFd, name);
        } catch (ErrnoException e) {
            if (e.errno() != Errno.EEXIST) {
                throw e;
            }
        }
    }

    /** One of linux.devices: made (replacing what the path held), chmod'ed and chown'ed. */
    private static void make(int rootFd, Device device) throws ErrnoException {
        String path = device.path();
        int slash = path.lastIndexOf('/');
        try (Fd parent = RootFs.directory(rootFd, slash <= 0 ? "/" : path.substring(0, slash))) {
            String name = path.substring(slash + 1);
            int type = switch (device.type()) {
                case "b" -> FileTypes.S_IFBLK;
                case "p" -> FileTypes.S_IFIFO;
                default -> FileTypes.S_IFCHR;
            };
            int mode = device.fileMode() == null ? 0666 : device.fileMode() & 07777;
            long dev = type == FileTypes.S_IFIFO ? 0 : FileTypes.makedev((int) device.major(), (int) device.minor());
            try {
                FileSyscalls.mknodat(parent.value(), name, type | mode, dev);
            } catch (ErrnoException e) {
                if (e.errno() != Errno.EEXIST) {
                    throw e;
                }
                FileSyscalls.unlinkat(parent.value(), name, 0);
                FileSyscalls.mknodat(parent.value(), name, type | mode, dev);
            }
            FileSyscalls.fchmodat(parent.value(), name, mode);
            FileSyscalls.fchownat(parent.value(), name, device.uid() == null ? 0 : device.uid(),
                    device.gid() == null ? 0 : device.gid(), AtFlags.AT_SYMLINK_NOFOLLOW);
        }
    }
}
