package io.jrun.runtime.launch;

import io.jrun.linux.AtFlags;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.Mounts;
import io.jrun.linux.Namespaces;
import io.jrun.linux.OpenFlags;
import io.jrun.linux.Processes;
import io.jrun.linux.Spawn;
import io.jrun.runtime.seccomp.SeccompProgram;

import java.util.ArrayList;
import java.util.List;
import io.jrun.runtime.spec.ConsoleSize;
import io.jrun.runtime.launch.ContainerPty;
import io.jrun.runtime.launch.ContainerSetup;
import io.jrun.runtime.launch.Privileges;
import io.jrun.runtime.launch.Stdio;
import io.jrun.runtime.launch.User;

/**
 * The body of {@code jrun enter}'s throw-away thread: it makes itself a member of a running
 * container (namespaces, root, identity, capabilities, no_new_privs, seccomp filter; all per
 * thread) and posix_spawns the command, which inherits exactly that. The thread ends right
 * after; nothing of the container stays with the JVM.
 *
 * <p>Order matters. The host's files (stdio) are opened first: from the setns on, the thread
 * sees only the container's. setns needs CAP_SYS_ADMIN and chroot CAP_SYS_CHROOT, so both come
 * before the capability drop; the pseudo-terminal is allocated in the container's devpts by
 * root, before the drop too. The seccomp filter goes in last when no_new_privs is set (as for
 * the app), else first, while the thread may still install one. After the setns no class can
 * be loaded: everything used later is loaded by {@link Preload#forEnter()}. The setns of the pid
 * namespace concerns the thread's children only, and forbids the thread to start threads.
 */
final class ContainerEntry {
    /** Joined all at once through the app's pidfd (kernel 5.8+): all of them or none. */
    static final int NAMESPACES = Namespaces.CLONE_NEWNS | Namespaces.CLONE_NEWUTS | Namespaces.CLONE_NEWIPC
            | Namespaces.CLONE_NEWNET | Namespaces.CLONE_NEWPID | Namespaces.CLONE_NEWCGROUP;

    private ContainerEntry() {
    }

    /**
     * What the thread does, all of it resolved beforehand on the caller's thread.
     *
     * @param appPidfd     the app's pidfd, for setns
     * @param appRoot      an O_PATH descriptor of the app's root directory
     * @param executable   the path posix_spawn execs, inside the container
     * @param workingDir   checked to exist in the container
     * @param caps         the capability sets
     * @param lastCap      from /proc, read before the setns
     * @param noNewPrivs   whether the app runs with no_new_privs, and so the process
     * @param seccomp      the filter, or null for none
     * @param gateDirFd    the {@link EnterGate}'s directory, or -1 when the pod has no cgroup to wait for
     */
    record Plan(int appPidfd, int appRoot, Stdio stdio, boolean terminal, ConsoleSize consoleSize, String executable,
                List<String> argv, List<String> env,
                String workingDir, User user, LaunchPlan.Caps caps, int lastCap, boolean noNewPrivs,
                SeccompProgram seccomp, int gateDirFd) {
    }

    /** What the thread tells its starter, read after it has ended. */
    static final class Outcome {
        /** The thread's own id: its gated child is in /proc/self/task/TID/children. */
        volatile long tid;
        /** Set when the thread is done with posix_spawn (or failed before it). */
        volatile boolean spawnReturned;
        volatile long pid;
        /** posix_spawn's error: the exec's, or a file action's. */
        volatile ErrnoException spawnError;
        volatile Throwable failure;
        /** The master of the process's terminal, or -1; the starter owns it. */
        volatile int terminalFd = -1;
    }

    static void run(Plan plan, Outcome outcome) {
        List<Fd> open = new ArrayList<>();
        try {
            outcome.tid = Processes.gettid();
            Spawn.FileActions actions = new Spawn.FileActions();
            try {
                if (plan.gateDirFd() >= 0) {
                    EnterGate.addTo(actions, plan.gateDirFd()); // first: nothing happens in the child before it
                }
                int[] stdio = ContainerSetup.openStdio(plan.stdio(), open);

                Namespaces.unshare(Namespaces.CLONE_FS); // setns(mnt) resets root and cwd: this thread's only
                Namespaces.setns(plan.appPidfd(), NAMESPACES);
                // The mount namespace's root is the container's since its pivot_root; the app's
                // own root is taken all the same, through the descriptor opened on the host.
                Mounts.fchdir(plan.appRoot());
                Mounts.chroot(".");
                Mounts.chdir("/");

                for (int fd = 0; fd < 3; fd++) {
                    if (stdio[fd] >= 0) {
                        actions.dup2(stdio[fd], fd);
                    }
                }
                if (plan.terminal()) { // 0, 1 and 2: a new terminal of the container's devpts
                    Fd dev = FileSyscalls.openat(AtFlags.AT_FDCWD, "/dev", OpenFlags.O_PATH | OpenFlags.O_DIRECTORY
                            | OpenFlags.O_CLOEXEC, 0);
                    open.add(dev);
                    outcome.terminalFd = ContainerPty.allocate(dev.value(), plan.consoleSize(), plan.user(),
                            actions).value();
                }
                actions.chdir(plan.workingDir()).closeFrom(3);

                if (plan.noNewPrivs()) {
                    Privileges.restrict(plan.caps(), plan.lastCap(), plan.user(), true);
                    install(plan.seccomp()); // last: the filter also binds this thread's own calls
                } else {
                    install(plan.seccomp()); // needs CAP_SYS_ADMIN without no_new_privs: before the drop
                    Privileges.restrict(plan.caps(), plan.lastCap(), plan.user(), false);
                }

                try {
                    // blocks while the child waits in the gate (CLONE_VFORK): the starter puts it in
                    // the pod's cgroup and releases it
                    outcome.pid = Spawn.spawn(plan.executable(), plan.argv(), plan.env(), actions,
                            Spawn.POSIX_SPAWN_SETSID, 0);
                } catch (ErrnoException e) {
                    outcome.spawnError = e;
                }
            } finally {
                actions.close();
            }
        } catch (Throwable t) {
            outcome.failure = t;
        } finally {
            outcome.spawnReturned = true;
            for (Fd fd : open) {
                fd.closeQuietly();
            }
        }
    }

    private static void install(SeccompProgram seccomp) throws ErrnoException {
        if (seccomp != null) {
            seccomp.install();
        }
    }
}
