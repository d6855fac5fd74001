package io.jrun.runtime.devices;

import io.jrun.linux.AtFlags;
import io.jrun.linux.Errno;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.FileTypes;
import io.jrun.linux.Stat;
import io.jrun.runtime.spec.Device;

import java.nio.file.Path;

/**
 * A host device given to the container, podman's {@code --device
 * HOST_PATH[:CONTAINER_PATH][:PERMS]}: the container gets a node of the same type and numbers as
 * the host's, owned by root with the host node's permission bits, at CONTAINER_PATH (the host
 * path when not given, below /dev either way), and a rule allowing PERMS (from r, w and m;
 * default rwm). The host node is read when the mapping is made, following symlinks
 * ({@code /dev/disk/by-id/…}).
 *
 * @param hostPath the host's node, as given
 * @param node     the node the container gets
 * @param access   what the container may do with it
 */
public record DeviceMapping(Path hostPath, Device node, String access) {

    /** Parses {@code --device}, as podman does, and reads the host node. */
    public static DeviceMapping parse(String text) {
        String[] parts = text.split(":", -1);
        String host = parts[0];
        String container = null;
        String access = "rwm";
        if (parts.length > 3 || host.isEmpty()) {
            throw new IllegalArgumentException("invalid --device '" + text + "': use --device HOST_PATH[:CONTAINER_PATH][:PERMS],"
                    + " PERMS from r, w and m");
        }
        if (parts.length == 3) {
            container = parts[1];
            access = parts[2];
            if (!isAccess(access)) {
                throw invalidPermissions(text, access);
            }
        } else if (parts.length == 2) {
            if (isAccess(parts[1])) {
                access = parts[1];
            } else if (parts[1].startsWith("/")) {
                container = parts[1];
            } else {
                throw invalidPermissions(text, parts[1]);
            }
        }
        try {
            return of(Path.of(host), container == null ? host : container, access);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--device " + text + ": " + e.getMessage(), e);
        }
    }

    /** The mapping of the host node {@code hostPath} to {@code containerPath}, for {@code access}. */
    public static DeviceMapping of(Path hostPath, String containerPath, String access) {
        if (!hostPath.isAbsolute()) {
            throw new IllegalArgumentException("the host path " + hostPath + " must be absolute, such as /dev/fuse");
        }
        if (!isAccess(access)) {
            throw new IllegalArgumentException("permissions '" + access + "': use r, w and m, each at most once");
        }
        Stat stat;
        try {
            stat = FileSyscalls.statx(AtFlags.AT_FDCWD, hostPath.toString(), 0);
        } catch (ErrnoException e) {
            throw new IllegalArgumentException(e.errno() == Errno.ENOENT
                    ? "no such device on the host: name an existing device node, such as /dev/fuse"
                    : "cannot read the host's " + hostPath + ": " + Errno.message(e.errno()) + " (" + e.errnoName() + ")", e);
        }
        String type = switch (stat.type()) {
            case FileTypes.S_IFCHR -> "c";
            case FileTypes.S_IFBLK -> "b";
            default -> throw new IllegalArgumentException("not a device node" + (stat.isDirectory() ? " but a directory" : "")
                    + ": --device takes a character or block device, such as /dev/fuse");
        };
        checkContainerPath(containerPath);
        Device node = new Device(type, containerPath, stat.rdevMajor(), stat.rdevMinor(), stat.permissions() & 0777, 0L, 0L);
        return new DeviceMapping(hostPath, node, access);
    }

    /**
     * Where {@code --device} may put a node: in the container's /dev tmpfs only, since the rest
     * of the root is the image's overlay, mounted {@code nodev}, where a node could not be
     * opened; and not below /dev/pts, /dev/shm or /dev/mqueue, file systems of their own
     * mounted over those directories.
     */
    static void checkContainerPath(String path) {
        String normal = path.startsWith("/") ? Path.of(path).normalize().toString() : null;
        if (normal == null || !normal.equals(path) || !path.startsWith("/dev/") || path.endsWith("/")) {
            throw new IllegalArgumentException("device path '" + path + "' must be a normal absolute path below /dev"
                    + " (the container's other files are mounted nodev): for example /dev/fuse");
        }
        if (path.startsWith("/dev/.jrun")) {
            throw new IllegalArgumentException("device path '" + path + "': names starting with .jrun in /dev are jrun's own");
        }
        for (String mounted : new String[] {"pts", "shm", "mqueue"}) {
            String dir = "/dev/" + mounted;
            if (path.equals(dir) || path.startsWith(dir + "/")) {
                throw new IllegalArgumentException("device path '" + path + "' lies in " + dir
                        + ", a file system of its own in the container: choose another path below /dev");
            }
        }
    }

    /** podman's valid device mode: one to three of r, w, m, none twice. */
    private static boolean isAccess(String s) {
        return !s.isEmpty() && s.matches("[rwm]{1,3}") && s.chars().distinct().count() == s.length();
    }

    private static IllegalArgumentException invalidPermissions(String text, String access) {
        return new IllegalArgumentException("invalid --device '" + text + "': '" + access + "' is neither a container path"
                + " (absolute) nor permissions (r, w and m, each at most once)");
    }
}
