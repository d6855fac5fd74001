package io.jrun.runtime;

import io.jrun.linux.Capabilities;
import io.jrun.linux.Credentials;
import io.jrun.linux.ErrnoException;

/**
 * Gives the setup thread the app's identity and capabilities, so that the app, spawned from
 * this thread, inherits exactly them. All per thread (raw system calls): the rest of the JVM
 * stays root with its capabilities.
 *
 * <p>Capabilities: bounding = the set; inheritable and ambient empty (as docker and podman do
 * since CVE-2022-24769). As root, execve gives permitted = bounding | inheritable and effective
 * = permitted, so permitted = effective = the set too. Another user keeps none: leaving uid 0
 * clears them. Then no_new_privs, unless the user lifted it.
 */
final class Privileges {
    private Privileges() {
    }

    private static final int PR_SET_DUMPABLE = 4;

    /** {@code lastCap} comes from /proc, read before the pivot. */
    static void restrict(long capabilities, int lastCap, User user) throws ErrnoException {
        restrict(capabilities, lastCap, user, true);
    }

    /**
     * {@code lastCap} comes from /proc, read before the pivot. Without {@code noNewPrivileges}
     * a seccomp filter must be installed before this (it needs CAP_SYS_ADMIN then), and these
     * calls pass through it.
     */
    static void restrict(long capabilities, int lastCap, User user, boolean noNewPrivileges) throws ErrnoException {
        long known = lastCap >= 63 ? -1L : (1L << (lastCap + 1)) - 1;
        long keep = capabilities & known;
        Capabilities.clearAmbient();
        for (int cap = 0; cap <= lastCap; cap++) {
            if ((keep & (1L << cap)) == 0 && Capabilities.inBounding(cap)) {
                Capabilities.dropBounding(cap); // needs CAP_SETPCAP: before anything below
            }
        }
        long[] groups = new long[user.groups().size()];
        for (int i = 0; i < groups.length; i++) {
            groups[i] = user.groups().get(i);
        }
        Credentials.setgroups(groups); // also for root: none of the host's groups may leak in
        Credentials.setresgid(user.gid(), user.gid(), user.gid()); // needs CAP_SETGID, and
        Credentials.setresuid(user.uid(), user.uid(), user.uid()); // CAP_SETUID: before the capset
        if (user.uid() != 0 || user.gid() != 0) {
            // A thread changing its euid or egid clears the whole process's dumpable flag (it is
            // per mm): restore it, or the JVM's /proc files turn root-only and ptrace refuses.
            Capabilities.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
        }
        if (user.isRoot()) {
            Capabilities.set(new Capabilities.Sets(keep, keep, 0));
        }
        if (noNewPrivileges) {
            Capabilities.setNoNewPrivs();
        }
    }
}
