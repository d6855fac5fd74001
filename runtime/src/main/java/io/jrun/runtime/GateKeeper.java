package io.jrun.runtime;

import io.jrun.linux.AtFlags;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.OpenFlags;
import io.jrun.linux.Processes;

import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * The body of the second, privileged thread of a launch: finds the gated child, mounts /proc
 * for its pid namespace in its mount namespace ({@link ProcMount}), then opens the
 * {@link Gate}. If anything fails, the child is killed while still gated: it never runs.
 * The thread joins the container's mount namespace and is thrown away afterwards.
 */
final class GateKeeper {
    private GateKeeper() {
    }

    static void run(Handoff handoff, KernelCompat compat, ContainerHardening hardening) {
        // arrays, made now: after the setns no class can be loaded
        String[] masked = hardening.maskedPaths().toArray(String[]::new);
        String[] readOnly = hardening.readOnlyPaths().toArray(String[]::new);
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
            CgroupLaunch.place(handoff, child); // before it runs, with its limits
            try {
                handoff.listener.gated(child); // before setns: it may load classes
            } catch (LaunchException e) {
                throw e;
            } catch (Exception e) {
                throw new LaunchException(LaunchException.JRUN_ERROR, "cannot record the container's process: "
                        + e.getMessage(), e);
            }
            // host /proc paths: only until the setns in ProcMount
            try (Fd pidNs = FileSyscalls.openat(AtFlags.AT_FDCWD, "/proc/" + child + "/ns/pid",
                    OpenFlags.O_RDONLY | OpenFlags.O_CLOEXEC, 0);
                 Fd procSelfFd = FileSyscalls.openat(AtFlags.AT_FDCWD, "/proc/self/fd",
                         OpenFlags.O_PATH | OpenFlags.O_DIRECTORY | OpenFlags.O_CLOEXEC, 0)) {
                if (!Gate.awaitChildInGate(child, abandoned)) {
                    return; // posix_spawn returned: it says why
                }
                ProcMount.mountInContainer(handoff.mountNsFd, pidNs.value(), compat.procMount(), masked, readOnly);
                handoff.released = Gate.release(procSelfFd.value(), handoff.gateFd);
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
}
