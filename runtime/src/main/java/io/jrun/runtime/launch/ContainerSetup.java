package io.jrun.runtime.launch;

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
import io.jrun.runtime.spec.Namespace;
import io.jrun.runtime.spec.Process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of the throw-away setup thread: it transforms itself into the container (its
 * namespaces, root, identity, capabilities; all per thread) and posix_spawns the app, which
 * inherits exactly that and waits in its {@link Gate} until {@code start}. The thread stays
 * blocked in posix_spawn until the app execs; its mount namespace then lives on in the app only.
 *
 * <p>Order matters: unshare(CLONE_NEWPID) comes after everything that may start a thread (the
 * thread could never create one again) and before the capability drop (it needs CAP_SYS_ADMIN).
 * After the pivot no class can be loaded: everything used later is loaded by {@link Preload}.
 */
final class ContainerSetup {
    private ContainerSetup() {
    }

    static void run(LaunchPlan plan, LaunchContext context, Handoff handoff) {
        List<Fd> open = new ArrayList<>();
        Process process = plan.process();
        try {
            handoff.setupTid = Processes.gettid();
            int lastCap = Capabilities.lastCap();
            Spawn.FileActions actions = new Spawn.FileActions();
            try {
                int[] stdio = openStdio(context.stdio(), open);

                // this thread's own root, working directory and umask from now on
                Namespaces.unshare(Namespaces.CLONE_FS);
                for (LaunchPlan.Join join : plan.joins()) {
                    try (Fd ns = FileSyscalls.openat(AtFlags.AT_FDCWD, join.path(), OpenFlags.O_RDONLY | OpenFlags.O_CLOEXEC, 0)) {
                        Namespaces.setns(ns.value(), join.flag());
                    } catch (ErrnoException e) {
                        throw new LaunchException(LaunchException.JRUN_ERROR, "cannot join the " + join.type()
                                + " namespace " + join.path() + ": " + e.getMessage() + ": check linux.namespaces", e);
                    }
                }
                int unshare = plan.unshareFlags();
                if (handoff.cgroupNsFd >= 0) {
                    // made beforehand, rooted at the container's cgroup (CgroupNamespaces)
                    Namespaces.setns(handoff.cgroupNsFd, Namespaces.CLONE_NEWCGROUP);
                    unshare &= ~Namespaces.CLONE_NEWCGROUP;
                }
                Namespaces.unshare(unshare);
                if ((plan.unshareFlags() & Namespaces.CLONE_NEWNET) != 0) {
                    loopbackUp(); // here: the netlink socket is in this thread's new namespace
                }
                Mounts.mount(null, "/", null, Mounts.MS_REC | Mounts.MS_PRIVATE, null);
                Fd mountNs = FileSyscalls.openat(AtFlags.AT_FDCWD, "/proc/thread-self/ns/mnt",
                        OpenFlags.O_RDONLY | OpenFlags.O_CLOEXEC, 0);
                handoff.mountNsFd = mountNs.value(); // closed by the Launcher

                Fd root = mountRoot(plan, context.compat());
                open.add(root);
                boolean hasProc = !plan.procMounts().isEmpty();
                if (hasProc) {
                    // The gate keeper mounts proc here once the app's pid namespace exists. Until
                    // then an empty read-only placeholder: every lookup below (command,
                    // interpreters, working directory, mount targets) that reaches into /proc
                    // fails now instead of meeting /proc/self/... at exec time, when "self" is
                    // still a clone of the JVM.
                    RootFs.mount(root.value(), "/proc", "tmpfs", "tmpfs", Mounts.MOUNT_ATTR_RDONLY
                            | Mounts.MOUNT_ATTR_NOSUID | Mounts.MOUNT_ATTR_NODEV | Mounts.MOUNT_ATTR_NOEXEC, "mode=555");
                }
                SpecMounts.mountAll(root.value(), plan.mounts());
                boolean devpts = plan.mounts().stream().anyMatch(m -> m.destination().equals("/dev/pts"));
                Fd dev = Devices.populate(root.value(), plan.devices(), devpts);
                open.add(dev);

                User user = plan.user();
                List<String> env = process.env();
                if (plan.userName() != null) {
                    UserLookup.Resolved resolved = ImageUsers.resolve(root.value(), plan.userName());
                    user = resolved.user();
                    env = withHome(env, resolved.home());
                } else {
                    // runc's rule: HOME from the image's passwd entry of the uid, else "/"
                    env = withHome(env, ImageUsers.resolve(root.value(), Long.toString(user.uid())).home());
                }
                handoff.user = user;
                if (plan.spec().hostname() != null) {
                    Namespaces.sethostname(plan.spec().hostname());
                }
                if (plan.spec().domainname() != null) {
                    Namespaces.setdomainname(plan.spec().domainname());
                }
                Fd workingDir = WorkingDir.open(root.value(), process.cwd());
                open.add(workingDir);
                String executable = Executables.resolve(root.value(), process.args().getFirst(), path(env), process.cwd());

                Gate gate = Gate.create(context.gateDir(), user.uid(), user.gid());
                handoff.gate = gate; // removed by the Launcher, or by start
                gate.addTo(actions, dev.value()); // first: the child waits here; dev's number is ours
                for (int fd = 0; fd < 3; fd++) {
                    if (stdio[fd] >= 0) {
                        actions.dup2(stdio[fd], fd);
                    }
                }
                if (process.terminal()) { // then 0, 1 and 2 are the container's /dev/pts/N
                    handoff.terminalFd = ContainerPty.allocate(dev.value(), process.consoleSize(), user, actions)
                            .value(); // the Launcher's, then the created container's
                }
                int preserved = context.preserveFds();
                for (int fd = 3; fd < 3 + preserved; fd++) {
                    actions.dup2(fd, fd); // kept at its number (dup2 onto itself clears FD_CLOEXEC)
                }
                // by descriptor: a path looked up in the child, where /proc is mounted and jrun's
                // descriptors are still open, could be /proc/self/fd/N (runc's CVE-2024-21626)
                actions.fchdir(workingDir.value()).closeFrom(3 + preserved);

                if (plan.rootReadOnly()) {
                    SpecMounts.makeRootReadOnly(root.value());
                }
                RootFs.pivot(root);
                if (plan.rootPropagation() != 0) {
                    Mounts.mount(null, "/", null, plan.rootPropagation(), null); // MS_REC in it for the r- names
                }
                Namespace pid = plan.pidNamespace();
                if (pid != null && pid.path() == null) {
                    Namespaces.unshare(Namespaces.CLONE_NEWPID);
                } else if (pid != null) {
                    Namespaces.setns(handoff.pidNsToJoin, Namespaces.CLONE_NEWPID); // opened before the pivot
                }
                if (process.user().umask() != null) {
                    FileSyscalls.umask(process.user().umask()); // per thread after unshare(CLONE_FS)
                }
                boolean noNewPrivileges = process.noNewPrivileges();
                if (handoff.seccomp != null && !noNewPrivileges) {
                    handoff.seccomp.install(); // without no_new_privs, installing needs CAP_SYS_ADMIN: before the drop
                }
                Privileges.restrict(plan.caps(), lastCap, user, noNewPrivileges);
                if (handoff.seccomp != null && noNewPrivileges) {
                    handoff.seccomp.install(); // last: the filter also binds this thread's own calls
                }

                handoff.readyToSpawn.countDown();
                try {
                    handoff.pid = Spawn.spawn(executable, process.args(), env, actions, Spawn.POSIX_SPAWN_SETSID, 0);
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
        }
    }

    /** The root: the overlay on / when the configuration has one, else root.path bound onto itself. */
    private static Fd mountRoot(LaunchPlan plan, KernelCompat compat) throws Exception {
        LaunchPlan.RootOverlay overlay = plan.overlay();
        if (overlay != null) {
            // nodev unless every device is allowed: the image's own device nodes are useless
            // (docs/security.md); the container's devices live in its /dev tmpfs
            return OverlayMount.mount(overlay.layersLowestFirst(), overlay.upper(), overlay.work(), plan.rootPath(),
                    compat.overlayMount(), !plan.devicePolicy().allowsAll());
        }
        // pivot_root wants the new root to be a mount point: a recursive bind of root.path
        try (Fd tree = Mounts.openTree(AtFlags.AT_FDCWD, plan.rootPath().toString(), Mounts.OPEN_TREE_CLONE
                | Mounts.OPEN_TREE_CLOEXEC | Mounts.AT_RECURSIVE);
             Fd target = FileSyscalls.openat(AtFlags.AT_FDCWD, plan.rootPath().toString(), OpenFlags.O_PATH
                     | OpenFlags.O_DIRECTORY | OpenFlags.O_CLOEXEC, 0)) {
            RootFs.attach(tree, target);
        } catch (ErrnoException e) {
            throw new LaunchException(LaunchException.JRUN_ERROR, "cannot mount the root file system " + plan.rootPath()
                    + ": " + e.getMessage() + ": check root.path in config.json", e);
        }
        return FileSyscalls.openat(AtFlags.AT_FDCWD, plan.rootPath().toString(), OpenFlags.O_PATH
                | OpenFlags.O_DIRECTORY | OpenFlags.O_CLOEXEC, 0);
    }

    /**
     * Brings up {@code lo} of the container's new network namespace, as runc and podman's
     * {@code --network=none} do: a new namespace's loopback is down, and an app could not
     * reach its own servers on 127.0.0.1 or ::1 (ENETUNREACH).
     */
    private static void loopbackUp() throws LaunchException {
        try {
            NetworkLinks.up("lo");
        } catch (ErrnoException e) {
            throw new LaunchException(LaunchException.JRUN_ERROR, "cannot bring up the container's loopback interface: "
                    + e.getMessage() + ": jrun needs CAP_NET_ADMIN in its network namespace, or share the host's", e);
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

    /** docker's PATH for an environment that sets none. */
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    static String path(List<String> env) {
        String path = DEFAULT_PATH;
        for (String e : env) {
            if (e.startsWith("PATH=")) {
                path = e.substring(5);
            }
        }
        return path;
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
