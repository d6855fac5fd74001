package io.jrun.runtime;

import io.jrun.linux.ErrnoException;
import io.jrun.linux.Mounts;

/** The container's read-only /sys/fs/cgroup. */
final class CgroupFs {
    private CgroupFs() {
    }

    /**
     * A cgroup2 mount's root is the mounting task's cgroup namespace root: mounted from the
     * setup thread after unshare(CLONE_NEWCGROUP), which happened while jrun sat in the pod's
     * cgroup, it shows the pod's own cgroup (memory.max, cgroup.procs…) and nothing above it.
     */
    static void mount(int rootFd) throws ErrnoException {
        RootFs.mount(rootFd, "/sys/fs/cgroup", "cgroup2", "cgroup2", Mounts.MOUNT_ATTR_RDONLY | Mounts.MOUNT_ATTR_NOSUID
                | Mounts.MOUNT_ATTR_NODEV | Mounts.MOUNT_ATTR_NOEXEC);
    }
}
