package io.jrun.runtime;

import io.jrun.linux.Capabilities;
import io.jrun.linux.ErrnoException;

/**
 * Reduces the setup thread's capabilities to the container's set, so that the app, spawned as
 * root from this thread, ends up with exactly that set (execve as uid 0 gives permitted =
 * bounding | inheritable, effective = permitted): bounding = permitted = effective = the set,
 * inheritable and ambient empty (as docker and podman do since CVE-2022-24769). Then
 * no_new_privs. All per thread: the rest of the JVM keeps its capabilities.
 */
final class Privileges {
    private Privileges() {
    }

    /** {@code lastCap} comes from /proc, read before the pivot. */
    static void restrict(long capabilities, int lastCap) throws ErrnoException {
        long known = lastCap >= 63 ? -1L : (1L << (lastCap + 1)) - 1;
        long keep = capabilities & known;
        Capabilities.clearAmbient();
        for (int cap = 0; cap <= lastCap; cap++) {
            if ((keep & (1L << cap)) == 0 && Capabilities.inBounding(cap)) {
                Capabilities.dropBounding(cap); // needs CAP_SETPCAP: before the capset below
            }
        }
        Capabilities.set(new Capabilities.Sets(keep, keep, 0));
        Capabilities.setNoNewPrivs();
    }
}
