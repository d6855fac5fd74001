package io.jrun.runtime;

import io.jrun.linux.Errno;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.Processes;
import io.jrun.runtime.cgroup.PodCgroup;
import io.jrun.runtime.devices.DeviceProgram;

/**
 * Starts containers. Per launch, two fresh platform threads:
 * <ol>
 * <li>the setup thread ({@link ContainerSetup}) unshares the mount, UTS, IPC, net and cgroup
 *     namespaces, mounts the overlay root, /dev and /sys, pivots, unshares the pid namespace,
 *     drops capabilities and posix_spawns the app behind the FIFO {@link Gate};</li>
 * <li>the gate keeper ({@link GateKeeper}), untransformed until then, mounts /proc for the
 *     app's new pid namespace and opens the gate.</li>
 * </ol>
 * Both threads end before {@link #start} returns. A launch that fails leaves nothing: the child
 * is killed in the gate and reaped, and the mount namespace dies with the setup thread, as no
 * process holds it.
 */
public final class Launcher {
    private Launcher() {
    }

    /**
     * Starts the container and returns once its app runs (has exec'd), coping with older
     * kernels as the environment says ({@link KernelCompat#fromEnvironment}). Throws a
     * {@link LaunchException} with docker's exit code when it cannot: 127 for a command not
     * found, 126 for one that cannot be executed, 125 otherwise.
     */
    public static RunningContainer start(ContainerSpec spec) throws LaunchException {
        return start(spec, LaunchListener.NONE);
    }

    /** As {@link #start(ContainerSpec)}, telling {@code listener} the app's pid before it runs. */
    public static RunningContainer start(ContainerSpec spec, LaunchListener listener) throws LaunchException {
        KernelCompat compat;
        try {
            compat = KernelCompat.fromEnvironment(System.getenv());
        } catch (IllegalArgumentException e) {
            throw new LaunchException(LaunchException.JRUN_ERROR, e.getMessage(), e);
        }
        return start(spec, compat, listener);
    }

    /** {@link #start(ContainerSpec)} with the kernel compatibility choices given. */
    public static RunningContainer start(ContainerSpec spec, KernelCompat compat) throws LaunchException {
        return start(spec, compat, LaunchListener.NONE);
    }

    /** The launch, with the kernel compatibility choices given and a listener. */
    public static RunningContainer start(ContainerSpec spec, KernelCompat compat, LaunchListener listener)
            throws LaunchException {
        Preload.classes();
        PodCgroup cgroup = spec.cgroup();
        DeviceProgram devices = spec.devices().program().orElse(null);
        if (devices != null && cgroup == null) {
            throw new LaunchException(LaunchException.JRUN_ERROR, "the container's device policy needs the pod's cgroup,"
                    + " where its program is attached: give the ContainerSpec a cgroup (PodCgroups.forPod), or a"
                    + " DevicePolicy that allows every device");
        }
        Handoff handoff = new Handoff(listener);
        handoff.cgroup = cgroup;
        handoff.devices = devices;
        if (cgroup != null) {
            CgroupLaunch.enter(cgroup); // before the setup thread unshares its cgroup namespace
        }
        Thread setup = Thread.ofPlatform().name("jrun-setup").unstarted(() -> ContainerSetup.run(spec, compat, handoff));
        Thread keeper = Thread.ofPlatform().name("jrun-gate-keeper").unstarted(() -> GateKeeper.run(handoff, compat, spec.hardening()));
        try {
            keeper.start(); // may throw (no thread): nothing has happened yet but the cgroup entered
        } catch (Throwable t) {
            if (cgroup != null) {
                handoff.cgroupNamespaceMade.countDown();
                CgroupLaunch.leave(cgroup, handoff, false);
            }
            throw t;
        }
        try {
            setup.start();
        } catch (Throwable t) {
            handoff.setupFailure = t;
            handoff.readyToSpawn.countDown(); // the keeper then ends without doing anything
            handoff.cgroupNamespaceMade.countDown();
            if (cgroup != null) {
                CgroupLaunch.leave(cgroup, handoff, false);
            }
            Threads.joinUninterruptibly(keeper);
            throw asLaunchException(t);
        }
        if (cgroup != null) {
            CgroupLaunch.leave(cgroup, handoff, true); // as soon as the setup thread has its cgroup namespace
        }
        Threads.joinUninterruptibly(setup);
        Threads.joinUninterruptibly(keeper);
        closeQuietly(handoff.mountNsFd);
        closeQuietly(handoff.gateFd);

        long pid = handoff.pid;
        if (handoff.setupFailure != null) {
            closeQuietly(handoff.terminalFd);
            throw asLaunchException(handoff.setupFailure);
        }
        if (handoff.gateFailure != null || (pid > 0 && !handoff.released)) {
            if (pid > 0) {
                reap(pid); // killed in the gate by the keeper: it never ran
            }
            closeQuietly(handoff.terminalFd);
            Throwable cause = handoff.gateFailure;
            if (cause instanceof LaunchException e) {
                throw e;
            }
            throw new LaunchException(LaunchException.JRUN_ERROR, "cannot mount /proc for the container: "
                    + (cause == null ? "the app never reached its gate" : cause.getMessage()), cause);
        }
        if (handoff.spawnError != null) {
            closeQuietly(handoff.terminalFd);
            throw execFailure(spec, handoff.spawnError);
        }
        try {
            return new RunningContainer(pid, Processes.pidfdOpen(pid),
                    handoff.terminalFd < 0 ? null : new ContainerTerminal(new Fd(handoff.terminalFd)));
        } catch (ErrnoException e) {
            closeQuietly(handoff.terminalFd);
            try {
                Processes.kill(pid, Processes.SIGKILL);
            } catch (ErrnoException ignored) {
                // already gone
            }
            reap(pid);
            throw new LaunchException(LaunchException.JRUN_ERROR, "cannot watch the container's process: " + e.getMessage(), e);
        }
    }

    /** posix_spawn's error is the exec's (or a file action's): docker's 127 and 126. */
    private static LaunchException execFailure(ContainerSpec spec, ErrnoException e) {
        String command = spec.argv().getFirst();
        if (e.errno() == Errno.ENOENT) {
            return new LaunchException(LaunchException.NOT_FOUND, "the command \"" + command
                    + "\" was not found in the image: check the image's Entrypoint and Cmd, or the command given", e);
        }
        return new LaunchException(LaunchException.CANNOT_EXECUTE, "cannot execute \"" + command + "\" in the container: "
                + Errno.message(e.errno()) + " (" + e.errnoName() + "): give an executable program", e);
    }

    private static LaunchException asLaunchException(Throwable t) {
        if (t instanceof LaunchException l) {
            return l;
        }
        return new LaunchException(LaunchException.JRUN_ERROR, "cannot set up the container: " + t.getMessage(), t);
    }

    private static void reap(long pid) {
        try {
            Processes.wait4(pid, 0);
        } catch (ErrnoException e) {
            // ECHILD: glibc reaped it already
        }
    }

    private static void closeQuietly(int fd) {
        if (fd >= 0) {
            try {
                new Fd(fd).close();
            } catch (ErrnoException e) {
                // nothing to do
            }
        }
    }

}
