package io.jrun.runtime.seccomp;

import io.jrun.linux.Architecture;

/**
 * What a profile is compiled for: the machine's architecture and kernel, and the container's
 * capability set (its bounding set, one bit per CAP_* number; docker evaluates a profile's
 * capability conditions against the bounding set too).
 *
 * @param noNewPrivileges whether the setup thread sets no_new_privs before it installs the
 *                        filter. When it does not, the filter must go in before the capability
 *                        drop (installing needs CAP_SYS_ADMIN then), so the drop's own system
 *                        calls pass through it: the compiler checks those too.
 */
public record SeccompTarget(Architecture architecture, long capabilities, KernelVersion kernel, boolean noNewPrivileges) {
    public SeccompTarget {
        if (architecture == null || kernel == null) {
            throw new IllegalArgumentException("a seccomp target needs an architecture and a kernel version");
        }
    }

    /** This machine and kernel, for a container with {@code capabilities}. */
    public static SeccompTarget thisMachine(long capabilities, boolean noNewPrivileges) {
        return new SeccompTarget(Architecture.current(), capabilities, KernelVersion.running(), noNewPrivileges);
    }
}
