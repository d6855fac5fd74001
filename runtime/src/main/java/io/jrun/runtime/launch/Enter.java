package io.jrun.runtime.launch;

import io.jrun.linux.AtFlags;
import io.jrun.linux.Capabilities;
import io.jrun.linux.Errno;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.FileTypes;
import io.jrun.linux.OpenFlags;
import io.jrun.linux.Processes;
import io.jrun.linux.ResolveFlags;
import io.jrun.runtime.cgroup.PodCgroup;
import io.jrun.runtime.seccomp.SeccompProfileException;
import io.jrun.runtime.seccomp.SeccompCache;
import io.jrun.runtime.seccomp.SeccompProgram;
import io.jrun.runtime.seccomp.SeccompTarget;
import io.jrun.runtime.seccomp.SeccompSpecs;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import io.jrun.runtime.launch.ContainerSetup;
import io.jrun.runtime.launch.ContainerTerminal;
import io.jrun.runtime.launch.Executables;
import io.jrun.runtime.launch.Gate;
import io.jrun.runtime.launch.ImageUsers;
import io.jrun.runtime.launch.LaunchException;
import io.jrun.runtime.launch.Preload;
import io.jrun.runtime.launch.RunningContainer;
import io.jrun.runtime.launch.Threads;
import io.jrun.runtime.launch.User;
import io.jrun.runtime.launch.UserLookup;

/**
 * Starts a process in a running pod's container, as {@code docker exec} does. On the caller's
 * thread: the app is pinned ({@link AppProcess}), and everything is resolved in the app's
 * root through a descriptor (lookups confined with RESOLVE_IN_ROOT): the user and HOME, the
 * command in PATH, the working directory; the pod's seccomp profile is compiled for the app's
 * bounding set. Then one fresh platform thread ({@link ContainerEntry}) joins the app's
 * namespaces with setns on its pidfd, takes its root, identity, capabilities, no_new_privs and
 * filter, and posix_spawns the command; it ends before {@link #start} returns.
 *
 * <p>The process waits in an {@link EnterGate} until this thread has put it in the pod's
 * cgroup, so it and all it starts count against the pod's limits from its first instruction.
 *
 * <p>What the process gets: the app's mount, UTS, IPC, network, pid and cgroup namespaces;
 * the app's root directory; the {@code -u} user, else the app's uid, gid and supplementary
 * groups as /proc shows them; the app's bounding set, and as root that set as its permitted
 * and effective capabilities (what {@code jrun run} gives a root app); no_new_privs when the
 * app has it; the pod's seccomp filter, compiled anew by this jrun from what the pod recorded.
 */
public final class Enter {
    /** The command when none is given. */
    static final String SHELL = "/bin/sh";

    private Enter() {
    }

    /**
     * Starts the process {@code spec} describes in its running container, as {@code docker exec}
     * does: in the app's namespaces and root, as the app's user (or {@code spec.user()}), with the
     * app's capabilities, no_new_privs and the container's seccomp filter, in its cgroup before
     * its first instruction. Returns the process, a child of this JVM; throws 125 when the
     * container does not run or the request does not fit it, 127 when the command is not found,
     * 126 when it cannot be executed.
     */
    public static RunningContainer start(EnterSpec spec, SeccompCache cache) throws LaunchException, IOException {
        Preload.forEnter();
        int lastCap = Capabilities.lastCap();
        try (AppProcess app = AppProcess.open(spec.pid(), spec.startTime(), spec.label())) {
            ProcStatus status = app.status();
            UserLookup.Resolved user = user(app, spec);
            List<String> argv = spec.command().isEmpty() ? List.of(SHELL) : spec.command();
            String executable = executable(app.root(), argv.getFirst(), spec);
            checkWorkingDir(app.root(), spec);
            SeccompProgram seccomp = seccomp(spec, status, cache);
            try (EnterGate gate = gate(spec, user.user())) {
                ContainerEntry.Plan plan = new ContainerEntry.Plan(app.pidfd(), app.root(), spec.stdio(), spec.terminal(),
                        spec.consoleSize(), executable, argv,
                        ContainerSetup.withHome(spec.env(), user.home()),
                        spec.workingDir(), user.user(), caps(spec, status, user.user()), lastCap,
                        spec.noNewPrivileges() != null ? spec.noNewPrivileges() : status.noNewPrivs(), seccomp,
                        gate == null ? -1 : gate.dirFd());
                ContainerEntry.Outcome outcome = new ContainerEntry.Outcome();
                // started here, from the caller's untransformed thread, and thrown away after
                Thread entry = Thread.ofPlatform().name("jrun-enter").unstarted(() -> ContainerEntry.run(plan, outcome));
                entry.start();
                Throwable admission = gate == null ? null : admit(entry, outcome, gate, spec.cgroup());
                Threads.joinUninterruptibly(entry);
                if (admission != null) {
                    if (outcome.pid > 0) {
                        reap(outcome.pid); // killed in the gate: it never ran
                    }
                    if (outcome.terminalFd >= 0) {
                        new Fd(outcome.terminalFd).closeQuietly();
                    }
                    throw failure(spec, admission);
                }
                return started(spec, argv.getFirst(), outcome);
            }
        }
    }

    private static void reap(long pid) {
        try {
            Processes.kill(pid, Processes.SIGKILL);
        } catch (ErrnoException ignored) {
            // gone already
        }
        try {
            Processes.wait4(pid, 0);
        } catch (ErrnoException ignored) {
            // reaped already
        }
    }

    /** The gate, when the pod has a cgroup to put the process in. */
    private static EnterGate gate(EnterSpec spec, User user) throws LaunchException {
        if (spec.cgroup() == null || !spec.cgroup().exists()) {
            return null; // a pod started without a cgroup (or an older jrun's): nothing to join
        }
        try {
            return EnterGate.create(spec.gateParent(), user);
        } catch (ErrnoException e) {
            throw new LaunchException(LaunchException.JRUN_ERROR, "cannot make the gate for the process in pod "
                    + spec.label() + ": " + e.getMessage(), e);
        }
    }

    /**
     * While the entry thread sits in posix_spawn: finds its child waiting in the gate, puts it
     * in the pod's cgroup and lets it go. On failure the child is killed in the gate (it never
     * ran) and the failure is returned.
     */
    private static Throwable admit(Thread entry, ContainerEntry.Outcome outcome, EnterGate gate, PodCgroup cgroup) {
        BooleanSupplier returned = () -> outcome.spawnReturned;
        long child = 0;
        try {
            while (outcome.tid == 0 && entry.isAlive()) {
                LockSupport.parkNanos(20_000);
            }
            if (outcome.tid == 0) {
                return null; // the thread failed before it spawned: its outcome says why
            }
            child = Gate.spawnedChild(outcome.tid, returned);
            if (child == 0 || !Gate.awaitChildInGate(child, returned)) {
                return null; // posix_spawn returned: it says why
            }
            cgroup.place(child);
            gate.release();
            return null;
        } catch (Throwable t) {
            if (child != 0) {
                try {
                    Processes.kill(child, Processes.SIGKILL); // not reaped yet: posix_spawn still waits for it
                } catch (ErrnoException ignored) {
                    // gone already
                }
            }
            return t;
        }
    }

    /** The capability sets: the spec's, or docker exec's rule over the app's bounding set. */
    private static LaunchPlan.Caps caps(EnterSpec spec, ProcStatus status, User user) {
        if (spec.capabilities() != null) {
            return LaunchPlan.caps(spec.capabilities());
        }
        long set = status.capBounding();
        long held = user.isRoot() ? set : 0;
        return new LaunchPlan.Caps(set, held, held, 0, 0);
    }

    /** The -u user resolved in the container, else the app's identity; HOME from the container's passwd. */
    private static UserLookup.Resolved user(AppProcess app, EnterSpec spec) throws LaunchException, ErrnoException {
        if (spec.identity() != null) {
            io.jrun.runtime.spec.User u = spec.identity();
            String home = ImageUsers.resolve(app.root(), u.uid() + ":" + u.gid()).home();
            return new UserLookup.Resolved(new User(u.uid(), u.gid(), u.additionalGids()), home);
        }
        if (spec.user() != null) {
            return ImageUsers.resolve(app.root(), spec.user());
        }
        ProcStatus s = app.status();
        String home = ImageUsers.resolve(app.root(), s.uid() + ":" + s.gid()).home();
        return new UserLookup.Resolved(new User(s.uid(), s.gid(), s.groups()), home);
    }

    /** The path to exec, found in the container as {@code jrun run} finds it in the image. */
    private static String executable(int root, String command, EnterSpec spec) throws LaunchException {
        if (spec.command().isEmpty() && !isExecutableFile(root, SHELL)) {
            throw new LaunchException(LaunchException.NOT_FOUND, "pod " + spec.label() + " has no " + SHELL
                    + ": name the command to run, as in jrun enter " + spec.label() + " -- /path/to/program");
        }
        try {
            return Executables.resolve(root, command, spec.path(), spec.workingDir()); // nothing in /proc (CVE-2019-5736)
        } catch (LaunchException e) {
            if (command.contains("/")) { // a path is looked up as given, not in PATH
                if (e.exitCode() == LaunchException.NOT_FOUND) {
                    throw new LaunchException(e.exitCode(), "the command \"" + command + "\" was not found in pod "
                            + spec.label() + ": give a program the container has", e);
                }
                throw e;
            }
            if (e.exitCode() == LaunchException.CANNOT_EXECUTE) {
                throw new LaunchException(e.exitCode(), "the command \"" + command + "\" is in pod " + spec.label()
                        + "'s PATH but not executable: give an executable program", e);
            }
            throw new LaunchException(e.exitCode(), "the command \"" + command + "\" was not found in pod " + spec.label()
                    + "'s PATH (" + spec.path() + "): give a program the container has", e);
        }
    }

    private static boolean isExecutableFile(int root, String path) {
        try (Fd fd = FileSyscalls.openat2(root, path.substring(1), OpenFlags.O_PATH | OpenFlags.O_CLOEXEC, 0,
                ResolveFlags.RESOLVE_IN_ROOT)) {
            int mode = FileSyscalls.statx(fd.value(), "", AtFlags.AT_EMPTY_PATH).mode();
            return FileTypes.isRegular(mode) && (mode & 0111) != 0;
        } catch (ErrnoException e) {
            return false;
        }
    }

    /** docker exec does not create the working directory, as run does: it must exist. */
    private static void checkWorkingDir(int root, EnterSpec spec) throws LaunchException {
        String relative = spec.workingDir().replaceAll("^/+", "");
        try (Fd ignored = FileSyscalls.openat2(root, relative.isEmpty() ? "." : relative,
                OpenFlags.O_PATH | OpenFlags.O_DIRECTORY | OpenFlags.O_CLOEXEC, 0, ResolveFlags.RESOLVE_IN_ROOT)) {
            // it is there
        } catch (ErrnoException e) {
            throw new LaunchException(LaunchException.JRUN_ERROR, "no directory " + spec.workingDir() + " in pod "
                    + spec.label() + " (" + e.errnoName() + "): give -w a directory the container has", e);
        }
    }

    /** The pod's filter for the app's bounding set; null when the app runs without one. */
    private static SeccompProgram seccomp(EnterSpec spec, ProcStatus status, SeccompCache cache) throws LaunchException {
        if (spec.seccomp() == null) {
            if (status.seccompMode() == 0) {
                return null; // unconfined, and nothing to compile
            }
            throw new LaunchException(LaunchException.JRUN_ERROR, "pod " + spec.label() + " was started by a jrun that did"
                    + " not record its seccomp profile, so its app's filter cannot be applied: start the pod again");
        }
        try {
            return SeccompSpecs.compile(spec.seccomp(), SeccompTarget.thisMachine(status.capBounding(), status.noNewPrivs()), cache);
        } catch (SeccompProfileException e) {
            throw new LaunchException(LaunchException.JRUN_ERROR, e.getMessage(), e);
        }
    }

    /** The process, or the failure with docker's code. */
    private static RunningContainer started(EnterSpec spec, String command, ContainerEntry.Outcome outcome)
            throws LaunchException {
        Fd terminal = outcome.terminalFd < 0 ? null : new Fd(outcome.terminalFd);
        if (outcome.failure != null || outcome.spawnError != null) {
            if (terminal != null) {
                terminal.closeQuietly();
            }
            throw outcome.failure != null ? failure(spec, outcome.failure) : execFailure(spec, command, outcome.spawnError);
        }
        long pid = outcome.pid;
        try {
            return new RunningContainer(pid, Processes.pidfdOpen(pid), terminal == null ? null : new ContainerTerminal(terminal));
        } catch (ErrnoException e) {
            if (terminal != null) {
                terminal.closeQuietly();
            }
            try {
                Processes.kill(pid, Processes.SIGKILL);
                Processes.wait4(pid, 0);
            } catch (ErrnoException ignored) {
                // gone already
            }
            throw new LaunchException(LaunchException.JRUN_ERROR, "cannot watch the process started in pod "
                    + spec.label() + ": " + e.getMessage(), e);
        }
    }

    private static LaunchException failure(EnterSpec spec, Throwable t) {
        if (t instanceof LaunchException e) {
            return e;
        }
        if (t instanceof ErrnoException e && e.errno() == Errno.ESRCH && "setns".equals(e.call())) {
            return AppProcess.exited(spec.label()); // it ended after it was pinned
        }
        return new LaunchException(LaunchException.JRUN_ERROR, "cannot enter pod " + spec.label() + ": " + t.getMessage(), t);
    }

    /** posix_spawn's error is the exec's (or a file action's): docker's 127 and 126. */
    private static LaunchException execFailure(EnterSpec spec, String command, ErrnoException e) {
        if (e.errno() == Errno.ENOENT) {
            return new LaunchException(LaunchException.NOT_FOUND, "the command \"" + command + "\" was not found in pod "
                    + spec.label() + ": give a program the container has", e);
        }
        return new LaunchException(LaunchException.CANNOT_EXECUTE, "cannot execute \"" + command + "\" in pod "
                + spec.label() + ": " + Errno.message(e.errno()) + " (" + e.errnoName() + "): give an executable program", e);
    }

}
