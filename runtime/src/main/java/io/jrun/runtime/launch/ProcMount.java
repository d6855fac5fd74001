package io.jrun.runtime.launch;

import io.jrun.linux.AtFlags;
import io.jrun.linux.Errno;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.Mounts;
import io.jrun.linux.Namespaces;
import io.jrun.linux.OpenFlags;
import io.jrun.runtime.launch.KernelCompat.ProcMountMethod;

import java.io.IOException;
import java.util.List;

/**
 * /proc for the container's pid namespace. That namespace exists only once its pid 1 does, so
 * this happens after the spawn, while the child waits in the {@link Gate}, on a second thread
 * (the setup thread is blocked in posix_spawn).
 *
 * <p>A proc instance belongs to the pid namespace its fs context was made for, and
 * {@code fsopen("proc")} (like mount(2)) takes the caller's <em>active</em> pid namespace,
 * which no thread can change: setns(CLONE_NEWPID) and unshare(CLONE_NEWPID) only decide where
 * the thread's children go. Two ways out:
 * <ul>
 * <li>Kernel 6.15+: {@code fsconfig(…, "pidns", fd)} points the context at another pid
 *     namespace. Older kernels answer EINVAL (an unknown key: proc has parsed its own keys
 *     since 5.1), before anything is created, which is how {@code auto} tells them apart.</li>
 * <li>Older kernels: a process that lives in the container's pid namespace opens the context
 *     and jrun takes it with pidfd_getfd; see {@link ProcHelper}.</li>
 * </ul>
 * Either way the context is configured and mounted (detached) here, while this thread still
 * has the host's namespaces, so the helper can be started from the host's file system. The
 * thread then joins the container's mount namespace (after {@code unshare(CLONE_FS)}, which
 * setns requires) to attach it at the container's /proc: move_mount cannot attach into
 * another mount namespace, though it takes a detached mount from anywhere.
 */
final class ProcMount {
    private ProcMount() {
    }

    /**
     * Mounts /proc for {@code pidNsFd} (with {@code procMounts}' first entry's options) and then
     * the rest of {@code procMounts} in the container's namespaces, those of the process
     * {@code pidfd}, with the {@link MaskedPaths} {@code masked} and {@code readOnly}. Every
     * mount is made while this thread still has the host's namespaces (a bind mount's source is
     * a host path); the thread then joins the container's mount, network, IPC and UTS namespaces
     * (its /proc/sys is then the container's) and can load no class afterwards, its root being
     * the container's.
     */
    static void mountInContainer(int pidfd, int pidNsFd, ProcMountMethod method, List<MountPlan> procMounts)
            throws IOException, LaunchException {
        Fd[] detached = new Fd[procMounts.size()];
        try {
            for (int i = 0; i < detached.length; i++) {
                MountPlan m = procMounts.get(i);
                try {
                    detached[i] = i == 0 ? detachedProc(pidNsFd, method, m) : SpecMounts.detached(m, AtFlags.AT_FDCWD);
                } catch (ErrnoException e) {
                    throw SpecMounts.failure(m, e);
                }
            }
            Namespaces.unshare(Namespaces.CLONE_FS);
            Namespaces.setns(pidfd, Namespaces.CLONE_NEWNS | Namespaces.CLONE_NEWNET | Namespaces.CLONE_NEWIPC
                    | Namespaces.CLONE_NEWUTS);
            try (Fd root = FileSyscalls.openat(AtFlags.AT_FDCWD, "/", OpenFlags.O_PATH | OpenFlags.O_DIRECTORY | OpenFlags.O_CLOEXEC, 0)) {
                for (int i = 0; i < detached.length; i++) {
                    try {
                        SpecMounts.attach(root.value(), procMounts.get(i), detached[i]);
                    } catch (ErrnoException e) {
                        throw SpecMounts.failure(procMounts.get(i), e);
                    }
                }
            }
        } finally {
            for (Fd fd : detached) {
                if (fd != null) {
                    fd.close();
                }
            }
        }
    }

    private static Fd detachedProc(int pidNsFd, ProcMountMethod method, MountPlan m) throws IOException {
        try (Fd context = contextFor(pidNsFd, method)) {
            return RootFs.mountContext(context, m.source(), m.attrSet() & ~m.attrClear(), m.data());
        }
    }

    /** A proc fs context for the pid namespace {@code pidNsFd}, by {@code method}. */
    private static Fd contextFor(int pidNsFd, ProcMountMethod method) throws IOException {
        if (method != ProcMountMethod.HELPER) {
            Fd context = Mounts.fsopen("proc", Mounts.FSOPEN_CLOEXEC);
            try {
                Mounts.fsconfigFd(context.value(), "pidns", pidNsFd);
                return context;
            } catch (ErrnoException e) {
                context.close();
                if (e.errno() != Errno.EINVAL) {
                    throw e;
                }
                if (method == ProcMountMethod.FSCONFIG) {
                    throw new IOException(e.getMessage() + ": this kernel cannot mount /proc for another pid namespace"
                            + " with fsconfig \"pidns\" (Linux 6.15 or later): set " + KernelCompat.PROC_MOUNT_VARIABLE
                            + "=auto or helper", e);
                }
            }
        }
        return ProcHelper.fsContextIn(pidNsFd);
    }
}
