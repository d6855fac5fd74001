package io.jrun.runtime.launch;

import io.jrun.linux.AtFlags;
import io.jrun.linux.Errno;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.OpenFlags;
import io.jrun.linux.Processes;
import io.jrun.runtime.cgroup.CgroupException;
import io.jrun.runtime.cgroup.CgroupSettings;
import io.jrun.runtime.cgroup.PodCgroup;
import io.jrun.runtime.cgroup.PodCgroups;
import io.jrun.runtime.devices.DeviceProgram;
import io.jrun.runtime.seccomp.SeccompProfileException;
import io.jrun.runtime.seccomp.SeccompProgram;
import io.jrun.runtime.seccomp.SeccompSpecs;
import io.jrun.runtime.seccomp.SeccompTarget;
import io.jrun.runtime.spec.Namespace;
import io.jrun.runtime.spec.Spec;
import io.jrun.runtime.spec.State;

import java.util.List;

/**
 * Creates containers from an OCI runtime configuration. {@link #create} does everything but
 * let the app run: on two fresh platform threads,
 * <ol>
 * <li>the setup thread ({@link ContainerSetup}) makes or joins the namespaces, mounts the root
 *     and the configuration's mounts, makes /dev's nodes, pivots, enters the pid namespace,
 *     takes the app's identity, capabilities and seccomp filter, and posix_spawns the app, which
 *     waits in its {@link Gate} before exec (the setup thread waits in posix_spawn with it);</li>
 * <li>the gate keeper ({@link GateKeeper}) puts the waiting child in its cgroup, sets its
 *     rlimits, mounts /proc for its pid namespace, the masked and read-only paths and the
 *     sysctls.</li>
 * </ol>
 * Then the {@code createRuntime} and {@code prestart} hooks run, and the
 * {@link CreatedContainer} is returned: {@link CreatedContainer#start()} opens the gate. A
 * create that fails leaves nothing: the child is killed in the gate and reaped, the cgroup
 * removed, and the mount namespace dies with its last process.
 */
public final class Launcher {
    private Launcher() {
    }

    /**
     * Creates the container {@code spec} describes. Throws a {@link LaunchException} with
     * docker's exit code when it cannot: 127 for a command not found, 126 for one that cannot be
     * executed, 125 otherwise (a configuration jrun refuses among them, with the field named).
     */
    public static CreatedContainer create(Spec spec, LaunchContext context) throws LaunchException {
        LaunchPlan plan;
        try {
            plan = LaunchPlan.of(spec, context.bundle());
        } catch (IllegalArgumentException e) {
            throw new LaunchException(LaunchException.JRUN_ERROR, "invalid container configuration: " + e.getMessage(), e);
        }
        if (plan.process().terminal() && (context.stdio().stdin() != null || context.stdio().stdout() != null
                || context.stdio().stderr() != null)) {
            throw new LaunchException(LaunchException.JRUN_ERROR, "process.terminal gives the app a terminal for"
                    + " stdin, stdout and stderr: no files can be given for them too");
        }
        Preload.classes();
        Handoff handoff = new Handoff(context.listener());
        handoff.seccomp = seccomp(plan, context);
        DeviceProgram devices = context.noCgroups() ? null : plan.devicePolicy().program().orElse(null);
        PodCgroup cgroup = cgroup(spec, context, devices != null);
        handoff.cgroup = cgroup;
        if (cgroup != null) {
            try {
                context.listener().cgroupMade(cgroup.dir());
            } catch (Exception e) {
                discard(cgroup);
                throw new LaunchException(LaunchException.JRUN_ERROR, "cannot record the container's cgroup: "
                        + e.getMessage(), e);
            }
        }
        Fd pidNs = null;
        try {
            if (plan.pidNamespace() != null && plan.pidNamespace().path() != null) {
                pidNs = FileSyscalls.openat(AtFlags.AT_FDCWD, plan.pidNamespace().path(), OpenFlags.O_RDONLY
                        | OpenFlags.O_CLOEXEC, 0);
                handoff.pidNsToJoin = pidNs.value();
            }
        } catch (ErrnoException e) {
            discard(cgroup);
            throw new LaunchException(LaunchException.JRUN_ERROR, "cannot open the pid namespace "
                    + plan.pidNamespace().path() + ": " + e.getMessage() + ": check linux.namespaces", e);
        }
        boolean newCgroupNs = cgroup != null && plan.spec().linux().namespace(Namespace.CGROUP)
                .map(n -> n.path() == null).orElse(false);
        Fd cgroupNs = null;
        try {
            if (cgroup != null) {
                try {
                    cgroupNs = CgroupLaunch.prepare(cgroup, devices, newCgroupNs);
                } catch (LaunchException e) {
                    discard(cgroup);
                    throw e;
                }
                handoff.cgroupNsFd = cgroupNs == null ? -1 : cgroupNs.value();
            }
            return create(plan, context, handoff, cgroup);
        } finally {
            closeQuietly(pidNs == null ? -1 : pidNs.value());
            closeQuietly(cgroupNs == null ? -1 : cgroupNs.value());
        }
    }

    private static CreatedContainer create(LaunchPlan plan, LaunchContext context, Handoff handoff, PodCgroup cgroup)
            throws LaunchException {
        Thread setup = Thread.ofPlatform().name("jrun-setup").unstarted(() -> ContainerSetup.run(plan, context, handoff));
        Thread keeper = Thread.ofPlatform().name("jrun-gate-keeper").unstarted(() -> GateKeeper.run(plan, context.compat(), handoff));
        try {
            keeper.start(); // may throw (no thread): nothing has happened yet but the cgroup made
        } catch (Throwable t) {
            discard(cgroup);
            throw t;
        }
        try {
            setup.start();
        } catch (Throwable t) {
            handoff.setupFailure = t;
            handoff.readyToSpawn.countDown(); // the keeper then ends without doing anything
            Threads.joinUninterruptibly(keeper);
            discard(cgroup);
            throw asLaunchException(t);
        }
        Threads.joinUninterruptibly(keeper);
        closeQuietly(handoff.mountNsFd);

        long pid = handoff.child;
        if (handoff.setupFailure != null || handoff.gateFailure != null || !handoff.created) {
            // the keeper killed a gated child; posix_spawn returns once it is gone
            Threads.joinUninterruptibly(setup);
            abandon(handoff, cgroup);
            if (handoff.setupFailure != null) {
                throw asLaunchException(handoff.setupFailure);
            }
            if (handoff.spawnError != null) {
                throw execFailure(plan, handoff.spawnError);
            }
            Throwable cause = handoff.gateFailure;
            if (cause instanceof LaunchException e) {
                throw e;
            }
            throw new LaunchException(LaunchException.JRUN_ERROR, "cannot set up the container's process: "
                    + (cause == null ? "the app never reached its gate" : cause.getMessage()), cause);
        }
        Fd pidfd;
        try {
            pidfd = Processes.pidfdOpen(pid);
        } catch (ErrnoException e) {
            kill(pid);
            Threads.joinUninterruptibly(setup);
            abandon(handoff, cgroup);
            throw new LaunchException(LaunchException.JRUN_ERROR, "cannot watch the container's process: " + e.getMessage(), e);
        }
        CreatedContainer created = new CreatedContainer(context.id(), context.bundle(), plan, pid, pidfd, setup, handoff, cgroup);
        try {
            State state = created.state(State.CREATED);
            HookRunner.run("createRuntime", plan.spec().hooks().createRuntime(), state);
            HookRunner.run("prestart", plan.spec().hooks().prestart(), state);
        } catch (LaunchException e) {
            created.destroy();
            throw e;
        }
        return created;
    }

    /** The seccomp filter, compiled (or found in the cache) before any thread starts. */
    private static SeccompProgram seccomp(LaunchPlan plan, LaunchContext context) throws LaunchException {
        if (plan.spec().linux().seccomp() == null) {
            return null;
        }
        try {
            SeccompTarget target = SeccompTarget.thisMachine(plan.caps().bounding(), plan.process().noNewPrivileges());
            return SeccompSpecs.compile(plan.spec().linux().seccomp(), target, context.seccompCache());
        } catch (SeccompProfileException e) {
            throw new LaunchException(LaunchException.JRUN_ERROR, "invalid linux.seccomp: " + e.getMessage(), e);
        }
    }

    /**
     * The container's cgroup, made now (empty; {@link CgroupLaunch#prepare} then makes its
     * namespace, writes its limits and attaches its device program). {@code devicePolicy}: a program must be attached, so a
     * container that cannot have a cgroup does not start. Without cgroups at all (the caller's
     * {@link LaunchContext#noCgroups}, podman's cgroups=disabled) nothing confines its devices
     * but the root's nodev and the capabilities, as with crun.
     */
    private static PodCgroup cgroup(Spec spec, LaunchContext context, boolean devicePolicy) throws LaunchException {
        if (context.noCgroups()) {
            return null;
        }
        List<CgroupSettings.Setting> settings;
        try {
            settings = CgroupSettings.of(spec.linux().resources());
            return PodCgroups.forContainer(context.id(), spec.linux().cgroupsPath(), settings, devicePolicy).cgroup().orElse(null);
        } catch (IllegalArgumentException e) {
            throw new LaunchException(LaunchException.JRUN_ERROR, "invalid linux.resources: " + e.getMessage(), e);
        } catch (CgroupException e) {
            throw new LaunchException(LaunchException.JRUN_ERROR, e.getMessage(), e);
        }
    }

    /** After a failed create: the child is gone (reaped here), and so are the gate, the terminal and the cgroup. */
    private static void abandon(Handoff handoff, PodCgroup cgroup) {
        if (handoff.child > 0) {
            reap(handoff.child);
        }
        if (handoff.gate != null) {
            handoff.gate.remove();
        }
        closeQuietly(handoff.terminalFd);
        discard(cgroup);
    }

    static void discard(PodCgroup cgroup) {
        if (cgroup != null) {
            try {
                cgroup.remove(10_000);
            } catch (java.io.IOException e) {
                // jrun gc removes it
            }
        }
    }

    /** posix_spawn's error is the exec's (or a file action's): docker's 127 and 126. */
    static LaunchException execFailure(LaunchPlan plan, ErrnoException e) {
        String command = plan.process().args().getFirst();
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

    static void kill(long pid) {
        if (pid <= 0) {
            throw new IllegalArgumentException("no process to kill: " + pid); // never kill(0) or kill(-1)
        }
        try {
            Processes.kill(pid, Processes.SIGKILL);
        } catch (ErrnoException e) {
            // already gone
        }
    }

    static void reap(long pid) {
        if (pid <= 0) {
            return;
        }
        try {
            Processes.wait4(pid, 0);
        } catch (ErrnoException e) {
            // ECHILD: glibc reaped it already
        }
    }

    static void closeQuietly(int fd) {
        if (fd >= 0) {
            try {
                new Fd(fd).close();
            } catch (ErrnoException e) {
                // nothing to do
            }
        }
    }
}
