package io.jrun.runtime.launch;

import io.jrun.linux.AtFlags;
import io.jrun.linux.Credentials;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.OpenFlags;
import io.jrun.linux.Processes;
import io.jrun.linux.ResourceLimits;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The body of the second, privileged thread of a launch: finds the gated child, puts it in its
 * cgroup, sets its rlimits and OOM score, mounts /proc for its pid namespace in its mount
 * namespace ({@link ProcMount}) with what the configuration mounts below /proc, the masked and
 * read-only paths, and the sysctls. It does not open the gate: that is {@code start}. If
 * anything fails, the child is killed while still gated: it never runs. The thread joins the
 * container's namespaces and is thrown away afterwards.
 */
final class GateKeeper {
    private GateKeeper() {
    }

    static void run(LaunchPlan plan, KernelCompat compat, Handoff handoff) {
        // arrays and strings, made now: after the setns no class can be loaded
        String[] masked = plan.spec().linux().maskedPaths().toArray(String[]::new);
        String[] readOnly = plan.spec().linux().readonlyPaths().toArray(String[]::new);
        byte[][] sysctlValues = new byte[plan.sysctlValues().length][];
        for (int i = 0; i < sysctlValues.length; i++) {
            sysctlValues[i] = plan.sysctlValues()[i].getBytes(StandardCharsets.UTF_8);
        }
        try {
            handoff.readyToSpawn.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            handoff.gateFailure = e;
            return; // the child, if spawned, then waits until the launcher kills it
        }
        if (handoff.setupFailure != null) {
            return;
        }
        BooleanSupplier abandoned = () -> handoff.spawnReturned; // made before setns: no class loading after
        long child = 0;
        try {
            child = Gate.spawnedChild(handoff.setupTid, abandoned);
            if (child == 0) {
                return; // posix_spawn returned before a child showed: it failed, and says why
            }
            handoff.child = child;
            CgroupLaunch.place(handoff, child); // before it runs, with its limits
            try {
                handoff.listener.gated(child); // before setns: it may load classes
            } catch (LaunchException e) {
                throw e;
            } catch (Exception e) {
                throw new LaunchException(LaunchException.JRUN_ERROR, "cannot record the container's process: "
                        + e.getMessage(), e);
            }
            setLimits(plan, child, handoff.user);
            if (plan.process().oomScoreAdj() != null) {
                writeProc("/proc/" + child + "/oom_score_adj", plan.process().oomScoreAdj().toString());
            }
            try (Fd pidNs = FileSyscalls.openat(AtFlags.AT_FDCWD, "/proc/" + child + "/ns/pid",
                    OpenFlags.O_RDONLY | OpenFlags.O_CLOEXEC, 0);
                 Fd pidfd = Processes.pidfdOpen(child)) {
                if (!Gate.awaitChildInGate(child, abandoned)) {
                    return; // posix_spawn returned: it says why
                }
                try {
                    ProcMount.mountInContainer(pidfd.value(), pidNs.value(), compat.procMount(), plan.procMounts());
                } catch (IOException e) {
                    throw new LaunchException(LaunchException.JRUN_ERROR, "cannot mount /proc for the container: "
                            + e.getMessage(), e);
                }
                // joined the container's mount namespace (and its network, IPC and UTS ones):
                // /proc/sys here is the container's
                String[] paths = plan.sysctlPaths();
                for (int i = 0; i < paths.length; i++) {
                    try (Fd file = FileSyscalls.openat(AtFlags.AT_FDCWD, paths[i], OpenFlags.O_WRONLY | OpenFlags.O_CLOEXEC, 0)) {
                        FileSyscalls.write(file.value(), sysctlValues[i]);
                    } catch (ErrnoException e) {
                        throw new LaunchException(LaunchException.JRUN_ERROR, "cannot set the sysctl " + paths[i]
                                + ": " + e.getMessage() + ": check linux.sysctl", e);
                    }
                }
                // masked and read-only paths last: /proc/sys is commonly one of the read-only
                // paths, and the sysctls above are written through it (runc's order too)
                try (Fd root = FileSyscalls.openat(AtFlags.AT_FDCWD, "/", OpenFlags.O_PATH | OpenFlags.O_DIRECTORY
                        | OpenFlags.O_CLOEXEC, 0)) {
                    MaskedPaths.apply(root.value(), masked, readOnly);
                } catch (ErrnoException e) {
                    throw new LaunchException(LaunchException.JRUN_ERROR, "cannot apply linux.maskedPaths and"
                            + " linux.readonlyPaths: " + e.getMessage(), e);
                }
                handoff.created = true;
            }
        } catch (Throwable t) {
            handoff.gateFailure = t;
            if (child != 0) {
                try {
                    // not reaped yet (the setup thread is blocked in posix_spawn): the pid is its
                    Processes.kill(child, Processes.SIGKILL);
                } catch (Throwable ignored) {
                    // it is gone already
                }
            }
        }
    }

    /**
     * process.rlimits, on the gated child: limits are per process, and jrun's own are the JVM's.
     * prlimit on another process needs CAP_SYS_RESOURCE, or the caller's real IDs to be the
     * target's: this thread takes the app's as its real IDs for the call, keeping euid 0 and so
     * its capabilities, then returns to root. Raising a hard limit still needs CAP_SYS_RESOURCE.
     */
    private static void setLimits(LaunchPlan plan, long child, User user) throws LaunchException {
        List<LaunchPlan.Limit> limits = plan.rlimits();
        if (limits.isEmpty()) {
            return;
        }
        boolean switched = user.uid() != 0 || user.gid() != 0;
        try {
            if (switched) {
                Credentials.setresgid(user.gid(), 0, 0);
                Credentials.setresuid(user.uid(), 0, 0);
            }
            for (LaunchPlan.Limit limit : limits) {
                try {
                    ResourceLimits.set(child, limit.resource(), limit.soft(), limit.hard());
                } catch (ErrnoException e) {
                    throw new LaunchException(LaunchException.JRUN_ERROR, "cannot set " + limit.name() + " to "
                            + Long.toUnsignedString(limit.soft()) + ":" + Long.toUnsignedString(limit.hard()) + ": "
                            + e.getMessage() + (e.errno() == io.jrun.linux.Errno.EPERM
                            ? " (raising a hard limit needs CAP_SYS_RESOURCE, which jrun lacks here): lower it" : ""), e);
                }
            }
        } catch (ErrnoException e) {
            throw new LaunchException(LaunchException.JRUN_ERROR, "cannot set the app's rlimits: " + e.getMessage(), e);
        } finally {
            if (switched) {
                try {
                    Credentials.setresuid(0, 0, 0);
                    Credentials.setresgid(0, 0, 0);
                } catch (ErrnoException e) {
                    throw new IllegalStateException("the gate keeper cannot return to root: " + e.getMessage(), e);
                }
            }
        }
    }

    private static void writeProc(String path, String value) throws LaunchException {
        try (Fd file = FileSyscalls.openat(AtFlags.AT_FDCWD, path, OpenFlags.O_WRONLY | OpenFlags.O_CLOEXEC, 0)) {
            FileSyscalls.write(file.value(), value.getBytes(StandardCharsets.US_ASCII));
        } catch (ErrnoException e) {
            throw new LaunchException(LaunchException.JRUN_ERROR, "cannot write " + value + " to " + path + ": "
                    + e.getMessage() + ": check process.oomScoreAdj", e);
        }
    }

}
