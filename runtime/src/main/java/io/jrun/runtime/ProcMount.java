package io.jrun.runtime;

import io.jrun.linux.AtFlags;
import io.jrun.linux.Errno;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.Mounts;
import io.jrun.linux.Namespaces;
import io.jrun.linux.OpenFlags;
import io.jrun.runtime.KernelCompat.ProcMountMethod;

import java.io.IOException;

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
     * Mounts /proc for {@code pidNsFd} in the container's mount namespace {@code mountNsFd}, with
     * the {@link MaskedPaths} {@code masked} and {@code readOnly}. The calling thread joins that
     * namespace and can load no class afterwards, its root being the container's.
     */
    static void mountInContainer(int mountNsFd, int pidNsFd, ProcMountMethod method, String[] masked, String[] readOnly)
            throws IOException {
        try (Fd proc = detachedProc(pidNsFd, method)) {
            Namespaces.unshare(Namespaces.CLONE_FS);
            Namespaces.setns(mountNsFd, Namespaces.CLONE_NEWNS);
            try (Fd root = FileSyscalls.openat(AtFlags.AT_FDCWD, "/", OpenFlags.O_PATH | OpenFlags.O_DIRECTORY | OpenFlags.O_CLOEXEC, 0);
                 Fd target = RootFs.directory(root.value(), "/proc")) {
                RootFs.attach(proc, target);
                MaskedPaths.apply(root.value(), masked, readOnly);
            }
        }
    }

    private static Fd detachedProc(int pidNsFd, ProcMountMethod method) throws IOException {
        try (Fd context = contextFor(pidNsFd, method)) {
            Mounts.fsconfigString(context.value(), "source", "proc");
            Mounts.fsconfigCreate(context.value());
            return Mounts.fsmount(context.value(), Mounts.FSMOUNT_CLOEXEC,
                    Mounts.MOUNT_ATTR_NOSUID | Mounts.MOUNT_ATTR_NODEV | Mounts.MOUNT_ATTR_NOEXEC);
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
