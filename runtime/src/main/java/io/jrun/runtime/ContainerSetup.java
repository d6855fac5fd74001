package io.jrun.runtime;

import io.jrun.linux.AtFlags;
import io.jrun.linux.Capabilities;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.Mounts;
import io.jrun.linux.Namespaces;
import io.jrun.linux.NetworkLinks;
import io.jrun.linux.OpenFlags;
import io.jrun.linux.Processes;
import io.jrun.linux.Spawn;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of the throw-away setup thread: it transforms itself into the container (its
 * namespaces, root, capabilities; all per thread) and posix_spawns the app, which inherits
 * exactly that. The thread ends right after; its mount namespace then lives on in the app only.
 *
 * <p>Order matters: unshare(CLONE_NEWPID) comes after everything that may start a thread (the
 * thread could never create one again) and before the capability drop (it needs CAP_SYS_ADMIN).
 * After the pivot no class can be loaded: everything used later is loaded by {@link Preload}.
 */
final class ContainerSetup {
    private static final int NAMESPACES = Namespaces.CLONE_FS | Namespaces.CLONE_NEWNS | Namespaces.CLONE_NEWUTS
            | Namespaces.CLONE_NEWIPC | Namespaces.CLONE_NEWNET | Namespaces.CLONE_NEWCGROUP;

    private ContainerSetup() {
    }

    static void run(ContainerSpec spec, KernelCompat compat, Handoff handoff) {
        List<Fd> open = new ArrayList<>();
        try {
            handoff.setupTid = Processes.gettid();
            int lastCap = Capabilities.lastCap();
            Spawn.FileActions actions = new Spawn.FileActions();
            try {
                int[] stdio = openStdio(spec.stdio(), open);

                Namespaces.unshare(spec.network() == Network.HOST ? NAMESPACES & ~Namespaces.CLONE_NEWNET : NAMESPACES);
                handoff.cgroupNamespaceMade.countDown(); // rooted at the pod's cgroup: jrun may leave it now
                if (spec.network() != Network.HOST) {
                    loopbackUp(); // here: the netlink socket is in this thread's new namespace
                }
                Mounts.mount(null, "/", null, Mounts.MS_REC | Mounts.MS_PRIVATE, null);
                Fd mountNs = FileSyscalls.openat(AtFlags.AT_FDCWD, "/proc/thread-self/ns/mnt",
                        OpenFlags.O_RDONLY | OpenFlags.O_CLOEXEC, 0);
                handoff.mountNsFd = mountNs.value(); // closed by the Launcher

                // nodev: the image's own device nodes are useless (docs/security.md); --privileged's are not
                Fd root = OverlayMount.mount(spec.layers(), spec.upperDir(), spec.workDir(), spec.rootfs(),
                        compat.overlayMount(), !spec.devices().allowsAll());
                open.add(root);
                ContainerHardening hardening = spec.hardening();
                Fd dev = DevFs.mount(root.value(), hardening.hostDevices(), spec.devices().nodes());
                open.add(dev);
                SysFs.mount(root.value(), hardening.writableSysfs());
                if (spec.cgroup() != null) {
                    CgroupFs.mount(root.value());
                }
                // The gate keeper mounts proc here once the app's pid namespace exists. Until then
                // an empty read-only placeholder: every lookup below (command, interpreters, working
                // directory, mount targets) that reaches into /proc fails now instead of meeting
                // /proc/self/... at exec time, when "self" is still a clone of the JVM.
                RootFs.mount(root.value(), "/proc", "tmpfs", "tmpfs", Mounts.MOUNT_ATTR_RDONLY | Mounts.MOUNT_ATTR_NOSUID
                        | Mounts.MOUNT_ATTR_NODEV | Mounts.MOUNT_ATTR_NOEXEC, "mode=555");
                UserLookup.Resolved user = ImageUsers.resolve(root.value(), spec.user());
                List<String> env = withHome(spec.env(), user.home());
                EtcFiles.write(root.value(), spec.hostname(), spec.resolvConf());
                Namespaces.sethostname(spec.hostname());
                Volumes.mount(root.value(), spec.mounts(), spec.readOnly());
                Fd workingDir = WorkingDir.open(root.value(), spec.workingDir());
                open.add(workingDir);
                if (spec.readOnly()) {
                    Volumes.makeRootReadOnly(root.value());
                }
                String executable = Executables.resolve(root.value(), spec.argv().getFirst(), spec.path(), spec.workingDir());

                handoff.gateFd = Gate.create(dev.value(), user.user()).value(); // closed by the Launcher
                Gate.addTo(actions, dev.value()); // first: the child waits here; dev's number is ours
                for (int fd = 0; fd < 3; fd++) {
                    if (stdio[fd] >= 0) {
                        actions.dup2(stdio[fd], fd);
                    }
                }
                if (spec.stdio().hasTerminal()) { // then 0, 1 and 2 are the container's /dev/pts/0
                    handoff.terminalFd = ContainerPty.allocate(dev.value(), spec.stdio().terminalSize(), user.user(),
                            actions).value(); // closed by the Launcher, unless handed to the RunningContainer
                }
                for (int fd = 3; fd < 3 + spec.listenFds(); fd++) {
                    actions.dup2(fd, fd); // socket activation: kept at its number (dup2 onto itself clears FD_CLOEXEC)
                }
                // by descriptor: a path looked up in the child, where /proc is mounted and jrun's
                // descriptors are still open, could be /proc/self/fd/N (runc's CVE-2024-21626)
                actions.fchdir(workingDir.value()).closeFrom(3 + spec.listenFds());

                RootFs.pivot(root);
                Namespaces.unshare(Namespaces.CLONE_NEWPID);
                boolean noNewPrivileges = hardening.noNewPrivileges();
                if (spec.seccomp() != null && !noNewPrivileges) {
                    spec.seccomp().install(); // without no_new_privs, installing needs CAP_SYS_ADMIN: before the drop
                }
                Privileges.restrict(spec.capabilities(), lastCap, user.user(), noNewPrivileges);
                if (spec.seccomp() != null && noNewPrivileges) {
                    spec.seccomp().install(); // last: the filter also binds this thread's own calls
                }

                handoff.readyToSpawn.countDown();
                try {
                    handoff.pid = Spawn.spawn(executable, spec.argv(), env, actions, Spawn.POSIX_SPAWN_SETSID, 0);
                } catch (ErrnoException e) {
                    handoff.spawnError = e;
                } finally {
                    handoff.spawnReturned = true;
                }
            } finally {
                actions.close();
            }
        } catch (Throwable t) {
            handoff.setupFailure = t;
        } finally {
            for (Fd fd : open) {
                try {
                    fd.close();
                } catch (ErrnoException e) {
                    // nothing to do: the descriptor is gone either way
                }
            }
            handoff.readyToSpawn.countDown();
            handoff.cgroupNamespaceMade.countDown();
        }
    }

    /**
     * Brings up {@code lo} of the container's new network namespace, as podman's
     * {@code --network=none} does: a new namespace's loopback is down, and an app could not
     * reach its own servers on 127.0.0.1 or ::1 (ENETUNREACH).
     */
    private static void loopbackUp() throws LaunchException {
        try {
            NetworkLinks.up("lo");
        } catch (ErrnoException e) {
            throw new LaunchException(LaunchException.JRUN_ERROR, "cannot bring up the container's loopback interface: "
                    + e.getMessage() + ": jrun needs CAP_NET_ADMIN in its network namespace, or run with --net=host", e);
        }
    }

    /** docker's rule: HOME from the user's passwd entry unless the environment sets one. */
    static List<String> withHome(List<String> env, String home) {
        for (String e : env) {
            if (e.startsWith("HOME=")) {
                return env;
            }
        }
        List<String> withHome = new ArrayList<>(env);
        withHome.add("HOME=" + home);
        return withHome;
    }

    /** Opens the host files of {@code stdio} before the pivot; -1 where jrun's own is kept. */
    static int[] openStdio(Stdio stdio, List<Fd> open) throws ErrnoException {
        int[] fds = {-1, -1, -1};
        if (stdio.stdin() != null) {
            fds[0] = track(open, FileSyscalls.openat(AtFlags.AT_FDCWD, stdio.stdin().toString(),
                    OpenFlags.O_RDONLY | OpenFlags.O_CLOEXEC, 0));
        }
        if (stdio.stdout() != null) {
            fds[1] = track(open, output(stdio.stdout()));
        }
        if (stdio.stderr() != null) {
            fds[2] = stdio.stderr().equals(stdio.stdout()) ? fds[1] : track(open, output(stdio.stderr()));
        }
        return fds;
    }

    private static Fd output(Path file) throws ErrnoException {
        return FileSyscalls.openat(AtFlags.AT_FDCWD, file.toString(),
                OpenFlags.O_WRONLY | OpenFlags.O_CREAT | OpenFlags.O_TRUNC | OpenFlags.O_CLOEXEC, 0644);
    }

    private static int track(List<Fd> open, Fd fd) {
        open.add(fd);
        return fd.value();
    }
}
