package io.jrun.runtime;

import io.jrun.linux.ErrnoException;
import io.jrun.linux.Mounts;

/** The container's /sys: read-only, except with --privileged. */
final class SysFs {
    private SysFs() {
    }

    /**
     * sysfs shows the network namespace of the thread that mounts it: mounted from the setup
     * thread after unshare(CLONE_NEWNET), /sys/class/net lists only the container's devices.
     */
    static void mount(int rootFd, boolean writable) throws ErrnoException {
        long attributes = Mounts.MOUNT_ATTR_NOSUID | Mounts.MOUNT_ATTR_NODEV | Mounts.MOUNT_ATTR_NOEXEC;
        RootFs.mount(rootFd, "/sys", "sysfs", "sysfs", writable ? attributes : attributes | Mounts.MOUNT_ATTR_RDONLY);
    }
}
