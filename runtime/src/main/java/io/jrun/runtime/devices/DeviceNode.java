package io.jrun.runtime.devices;

import java.nio.file.Path;

/**
 * A device node made in the container's /dev, shaped like the OCI runtime spec's
 * {@code linux.devices} entries ({@code {"path": "/dev/fuse", "type": "c", "major": 10,
 * "minor": 229, "fileMode": 384, "uid": 0, "gid": 0}}). Making the node does not allow it:
 * that takes a {@link DeviceRule} too ({@link DevicePolicy#withDevice} adds both).
 *
 * <p>Nodes go into the container's /dev tmpfs only: the rest of the root is the image's
 * overlay, mounted {@code nodev}, where a node could not be opened. Not below /dev/pts,
 * /dev/shm or /dev/mqueue, file systems of their own mounted over those directories.
 *
 * @param path     where, absolute and below /dev
 * @param type     "c" (character) or "b" (block)
 * @param major    the device's major number
 * @param minor    the device's minor number
 * @param fileMode the permission bits
 * @param uid      the owner
 * @param gid      the group
 */
public record DeviceNode(String path, String type, long major, long minor, int fileMode, long uid, long gid) {
    /** The kernel's dev_t: a 12-bit major and a 20-bit minor. */
    private static final long MAX_MAJOR = 0xfff, MAX_MINOR = 0xfffff;

    public DeviceNode {
        checkPath(path);
        if (!type.equals("c") && !type.equals("b")) {
            throw new IllegalArgumentException("device node " + path + ": type '" + type + "': use c (character) or b (block)");
        }
        if (major < 0 || major > MAX_MAJOR || minor < 0 || minor > MAX_MINOR) {
            throw new IllegalArgumentException("device node " + path + ": " + major + ":" + minor
                    + " is not a device number (major 0 to " + MAX_MAJOR + ", minor 0 to " + MAX_MINOR + ")");
        }
        if ((fileMode & ~07777) != 0) {
            throw new IllegalArgumentException("device node " + path + ": file mode 0" + Integer.toOctalString(fileMode)
                    + " has more than permission bits");
        }
    }

    /** The node's path below /dev, e.g. {@code net/tun} for /dev/net/tun. */
    public String pathInDev() {
        return path.substring("/dev/".length());
    }

    /** A container path for a device node: absolute, normal, below /dev and outside its mounts. */
    static void checkPath(String path) {
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
}
