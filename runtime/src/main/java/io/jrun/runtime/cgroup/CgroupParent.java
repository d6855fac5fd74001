package io.jrun.runtime.cgroup;

import io.jrun.linux.ErrnoException;
import io.jrun.linux.FileSyscalls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Where a pod's cgroup goes, and where jrun itself lives meanwhile.
 *
 * @param hierarchy the cgroup2 mount
 * @param dir       the parent: pods are its children pod-UUID
 * @param home      jrun's own cgroup, to which it returns after the cgroup namespace trick
 *                  ({@link PodCgroup}); under a delegated unit its leaf "supervisor"
 * @param delegated dir is a systemd unit's delegated cgroup (Delegate=yes): controllers can only
 *                  be enabled inside it, and jrun must leave its root for a leaf first
 */
public record CgroupParent(Cgroup2 hierarchy, Path dir, Path home, boolean delegated) {
    /** The default parent under the hierarchy's root, as podman's machine.slice or libpod_parent. */
    public static final String DEFAULT = "jrun.slice";
    /** The leaf that jrun's own processes move to in a delegated unit (no-internal-process rule). */
    static final String SUPERVISOR = "supervisor";

    /**
     * The parent for this process: {@code explicit} (--cgroup-parent or JRUN_CGROUP_PARENT, a
     * path in the hierarchy) if given; else the systemd unit jrun runs in when the unit is
     * delegated to it (systemd 251+ marks such cgroups with the xattr trusted.delegate=1, and
     * jrun's leaf "supervisor" in it means an earlier jrun of the unit moved there); else
     * /jrun.slice.
     */
    public static CgroupParent resolve(Cgroup2 hierarchy, String explicit) throws IOException {
        Path own = hierarchy.ownCgroup();
        if (explicit != null && !explicit.isBlank()) {
            return new CgroupParent(hierarchy, hierarchy.dirOf(explicit), own, false);
        }
        Path unit = own.getFileName() != null && own.getFileName().toString().equals(SUPERVISOR) ? own.getParent() : own;
        if (unit != null && !unit.equals(hierarchy.mountPoint()) && isDelegated(unit)) {
            return new CgroupParent(hierarchy, unit, unit.resolve(SUPERVISOR), true);
        }
        return new CgroupParent(hierarchy, hierarchy.mountPoint().resolve(DEFAULT), own, false);
    }

    /** The pod's cgroup directory. */
    public Path podDir(String uuid) {
        return dir.resolve("pod-" + uuid);
    }

    private static boolean isDelegated(Path cgroup) {
        try {
            byte[] value = FileSyscalls.lgetxattr(cgroup.toString(), "trusted.delegate");
            return new String(value, StandardCharsets.US_ASCII).strip().equals("1");
        } catch (ErrnoException e) {
            return false; // ENODATA: not delegated (or systemd < 251: use --cgroup-parent)
        }
    }
}
