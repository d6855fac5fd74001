package io.jrun.runtime;

import io.jrun.linux.AtFlags;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.Mounts;
import io.jrun.linux.Namespaces;
import io.jrun.linux.OpenFlags;

/**
 * /proc for the container's pid namespace. That namespace exists only once its pid 1 does, so
 * this happens after the spawn, while the child waits in the {@link Gate}, on a second thread
 * (the setup thread is blocked in posix_spawn). Kernel 6.15+: {@code fsconfig(…, "pidns", fd)}
 * makes a proc instance for a pid namespace the caller is not in. The thread then joins the
 * container's mount namespace (after {@code unshare(CLONE_FS)}, which setns requires) to attach
 * it at the container's /proc: move_mount cannot attach into another mount namespace.
 */
final class ProcMount {
    private ProcMount() {
    }

    /**
     * Joins the container's mount namespace with the calling thread (which can load no class
     * afterwards, its root being the container's) and mounts /proc for {@code pidNsFd} there,
     * with the {@link MaskedPaths}.
     */
    static void mountInContainer(int mountNsFd, int pidNsFd) throws ErrnoException {
        Namespaces.unshare(Namespaces.CLONE_FS);
        Namespaces.setns(mountNsFd, Namespaces.CLONE_NEWNS);
        try (Fd root = FileSyscalls.openat(AtFlags.AT_FDCWD, "/", OpenFlags.O_PATH | OpenFlags.O_DIRECTORY | OpenFlags.O_CLOEXEC, 0);
             Fd proc = procFor(pidNsFd);
             Fd target = RootFs.directory(root.value(), "/proc")) {
            RootFs.attach(proc, target);
            MaskedPaths.apply(root.value());
        }
    }

    private static Fd procFor(int pidNsFd) throws ErrnoException {
        try (Fd context = Mounts.fsopen("proc", Mounts.FSOPEN_CLOEXEC)) {
            Mounts.fsconfigString(context.value(), "source", "proc");
            Mounts.fsconfigFd(context.value(), "pidns", pidNsFd);
            Mounts.fsconfigCreate(context.value());
            return Mounts.fsmount(context.value(), Mounts.FSMOUNT_CLOEXEC,
                    Mounts.MOUNT_ATTR_NOSUID | Mounts.MOUNT_ATTR_NODEV | Mounts.MOUNT_ATTR_NOEXEC);
        }
    }
}
