package io.jrun.runtime.launch;

import io.jrun.linux.Capabilities;
import io.jrun.linux.Credentials;
import io.jrun.linux.ErrnoException;

/**
 * Gives the setup thread the app's identity and capabilities, so that the app, spawned from
 * this thread, inherits exactly them. All per thread (raw system calls): the rest of the JVM
 * stays root with its capabilities.
 *
 * <p>The order is runc's: the bounding set first (dropping needs CAP_SETPCAP), then the groups
 * and IDs with PR_SET_KEEPCAPS (so that leaving uid 0 keeps the permitted set), then the
 * effective, permitted and inheritable sets, the ambient set, and no_new_privs. jrun's own
 * configurations give a user other than root no capabilities (docker's and podman's rule), and
 * none inheritable or ambient (since CVE-2022-24769).
 */
final class Privileges {
    private Privileges() {
    }

    private static final int PR_SET_DUMPABLE = 4;
    private static final int PR_SET_KEEPCAPS = 8;

    /**
     * {@code lastCap} comes from /proc, read before the pivot. Without {@code noNewPrivileges}
     * a seccomp filter must be installed before this (it needs CAP_SYS_ADMIN then), and these
     * calls pass through it.
     */
    static void restrict(LaunchPlan.Caps caps, int lastCap, User user, boolean noNewPrivileges) throws ErrnoException {
        long known = lastCap >= 63 ? -1L : (1L << (lastCap + 1)) - 1;
        Capabilities.clearAmbient();
        for (int cap = 0; cap <= lastCap; cap++) {
            if ((caps.bounding() & (1L << cap)) == 0 && Capabilities.inBounding(cap)) {
                Capabilities.dropBounding(cap); // needs CAP_SETPCAP: before anything below
            }
        }
        long[] groups = new long[user.groups().size()];
        for (int i = 0; i < groups.length; i++) {
            groups[i] = user.groups().get(i);
        }
        Capabilities.prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0); // per thread; cleared again by the exec
        Credentials.setgroups(groups); // also for root: none of the host's groups may leak in
        Credentials.setresgid(user.gid(), user.gid(), user.gid()); // needs CAP_SETGID, and
        Credentials.setresuid(user.uid(), user.uid(), user.uid()); // CAP_SETUID: before the capset
        if (user.uid() != 0 || user.gid() != 0) {
            // A thread changing its euid or egid clears the whole process's dumpable flag (it is
            // per mm): restore it, or the JVM's /proc files turn root-only and ptrace refuses.
            Capabilities.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
        }
        Capabilities.set(new Capabilities.Sets(caps.effective() & known, caps.permitted() & known,
                caps.inheritable() & known));
        for (int cap = 0; cap <= lastCap; cap++) {
            if ((caps.ambient() & (1L << cap)) != 0) {
                Capabilities.raiseAmbient(cap); // needs it permitted and inheritable, as capabilities(7) says
            }
        }
        if (noNewPrivileges) {
            Capabilities.setNoNewPrivs();
        }
    }
}
