package io.jrun.runtime;

import java.util.regex.Pattern;

/**
 * A volume a pod of several apps owns (Kubernetes' {@code emptyDir}): made empty with the pod,
 * shared by every app that mounts it, removed with the pod. A directory under the pod's
 * directory, or with {@code inMemory} a tmpfs mounted there (its pages count against no app's
 * memory limit, as with Kubernetes' Memory medium on cgroup v1).
 *
 * @param name      the volume's name, unique in the pod, which an app's {@link Mount} names
 * @param inMemory  a tmpfs instead of a directory of the pod's
 * @param sizeLimit the tmpfs's size in bytes (only with inMemory), or null for the kernel's default (half the RAM)
 */
public record PodVolume(String name, boolean inMemory, Long sizeLimit) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    public PodVolume {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid volume name '" + name
                    + "': use lower-case letters, digits and '-', at most 63 characters (as Kubernetes does)");
        }
        if (sizeLimit != null && (!inMemory || sizeLimit <= 0)) {
            throw new IllegalArgumentException("volume " + name + ": a size limit is for a tmpfs (in memory) and positive:"
                    + " drop it, or make the volume in memory");
        }
    }

    /** Where one app mounts a pod volume. */
    public record Mount(String volume, String target, boolean readOnly) {
        public Mount {
            if (target == null || !target.startsWith("/")) {
                throw new IllegalArgumentException("volume " + volume + " is mounted at '" + target
                        + "': give an absolute path in the container");
            }
        }
    }
}
