package io.jrun.runtime.launch;

import io.jrun.linux.AtFlags;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Errno;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.FileTypes;
import io.jrun.linux.Mounts;
import io.jrun.linux.OpenFlags;
import io.jrun.linux.ResolveFlags;

/**
 * Mounting inside the container's root (its overlay comes from {@link OverlayMount}), and the
 * pivot into it. Runs on the setup thread, in its private mount namespace.
 */
final class RootFs {
    private RootFs() {
    }

    /**
     * An O_PATH descriptor of the directory {@code path} inside the container's root, resolved
     * as if the root were "/" (an image's symlinks can never lead out to the host), created
     * (mode 0755) when missing.
     */
    static Fd directory(int rootFd, String path) throws ErrnoException {
        String relative = path.replaceAll("^/+", "");
        if (relative.isEmpty()) {
            relative = ".";
        }
        try {
            return open(rootFd, relative);
        } catch (ErrnoException e) {
            if (e.errno() != Errno.ENOENT) {
                throw e;
            }
        }
        // create each missing component, again resolved in the root
        StringBuilder prefix = new StringBuilder();
        for (String part : relative.split("/+")) {
            if (!prefix.isEmpty()) {
                prefix.append('/');
            }
            prefix.append(part);
            try (Fd ignored = open(rootFd, prefix.toString())) {
                // exists
            } catch (ErrnoException e) {
                if (e.errno() != Errno.ENOENT) {
                    throw e;
                }
                int slash = prefix.lastIndexOf("/");
                try (Fd parent = slash < 0 ? open(rootFd, ".") : open(rootFd, prefix.substring(0, slash))) {
                    FileSyscalls.mkdirat(parent.value(), part, 0755);
                }
            }
        }
        return open(rootFd, relative);
    }

    /**
     * An O_PATH descriptor of the file {@code path} inside the container's root, resolved as
     * {@link #directory} does; an empty file (mode 0644) is created when missing, for a bind
     * mount of a host file. A directory there fails with EISDIR.
     */
    static Fd file(int rootFd, String path) throws ErrnoException {
        String relative = path.replaceAll("^/+", "");
        int slash = relative.lastIndexOf('/');
        try (Fd parent = directory(rootFd, slash < 0 ? "/" : relative.substring(0, slash))) {
            String name = relative.substring(slash + 1);
            try {
                FileSyscalls.openat2(parent.value(), name, OpenFlags.O_WRONLY | OpenFlags.O_CREAT | OpenFlags.O_EXCL
                        | OpenFlags.O_CLOEXEC, 0644, ResolveFlags.RESOLVE_BENEATH).close();
            } catch (ErrnoException e) {
                if (e.errno() != Errno.EEXIST) {
                    throw e;
                }
            }
        }
        Fd file = FileSyscalls.openat2(rootFd, relative, OpenFlags.O_PATH | OpenFlags.O_CLOEXEC, 0, ResolveFlags.RESOLVE_IN_ROOT);
        try {
            if (FileTypes.isDirectory(FileSyscalls.statx(file.value(), "", AtFlags.AT_EMPTY_PATH).mode())) {
                throw new ErrnoException("mount", path, Errno.EISDIR);
            }
            return file;
        } catch (ErrnoException e) {
            file.close();
            throw e;
        }
    }

    /**
     * Where {@code fd} lies as the container will see it: its path below the root
     * {@code rootFd} ("/" for the root itself), or null when it is not below it. From the
     * kernel's own path of each descriptor (the setup thread's /proc/thread-self/fd links, so
     * before the pivot), which names what a lookup actually reached, symlinks resolved.
     */
    static String pathInRoot(int rootFd, int fd) throws ErrnoException {
        String root = FileSyscalls.readlinkat(AtFlags.AT_FDCWD, "/proc/thread-self/fd/" + rootFd);
        String path = FileSyscalls.readlinkat(AtFlags.AT_FDCWD, "/proc/thread-self/fd/" + fd);
        if (path.equals(root)) {
            return "/";
        }
        String prefix = root.endsWith("/") ? root : root + "/";
        return path.startsWith(prefix) ? path.substring(prefix.length() - 1) : null;
    }

    /** Whether {@code path} (absolute, in the container) is /proc or /sys or lies below them. */
    static boolean inKernelFileSystem(String path) {
        for (String kernel : new String[] {"/proc", "/sys"}) {
            if (path.equals(kernel) || path.startsWith(kernel + "/")) {
                return true;
            }
        }
        return false;
    }

    private static Fd open(int rootFd, String relative) throws ErrnoException {
        return FileSyscalls.openat2(rootFd, relative, OpenFlags.O_PATH | OpenFlags.O_DIRECTORY | OpenFlags.O_CLOEXEC, 0,
                ResolveFlags.RESOLVE_IN_ROOT);
    }

    /**
     * Attaches the detached mount {@code mountFd} (from fsmount) on the directory {@code targetFd}
     * holds: no path is looked up again, so nothing can be swapped in between.
     */
    static void attach(Fd mountFd, Fd targetFd) throws ErrnoException {
        Mounts.moveMount(mountFd.value(), "", targetFd.value(), "",
                Mounts.MOVE_MOUNT_F_EMPTY_PATH | Mounts.MOVE_MOUNT_T_EMPTY_PATH);
    }

    /** A new file system of {@code type} with {@code options} (key=value or flag), as a detached mount. */
    static Fd create(String type, String source, long attributes, String... options) throws ErrnoException {
        try (Fd context = Mounts.fsopen(type, Mounts.FSOPEN_CLOEXEC)) {
            return mountContext(context, source, attributes, java.util.List.of(options));
        }
    }

    /**
     * Configures the file system context {@code context} (its source, then each option: key=value
     * or a flag), creates it and returns the detached mount.
     */
    static Fd mountContext(Fd context, String source, long attributes, java.util.List<String> options) throws ErrnoException {
        Mounts.fsconfigString(context.value(), "source", source);
        for (String option : options) {
            int eq = option.indexOf('=');
            if (eq < 0) {
                Mounts.fsconfigFlag(context.value(), option);
            } else {
                Mounts.fsconfigString(context.value(), option.substring(0, eq), option.substring(eq + 1));
            }
        }
        Mounts.fsconfigCreate(context.value());
        return Mounts.fsmount(context.value(), Mounts.FSMOUNT_CLOEXEC, attributes);
    }

    /** Mounts a new file system on {@code path} inside the root (created when missing). */
    static void mount(int rootFd, String path, String type, String source, long attributes, String... options)
            throws ErrnoException {
        try (Fd mount = create(type, source, attributes, options); Fd target = directory(rootFd, path)) {
            attach(mount, target);
        }
    }

    /**
     * pivot_root into {@code rootFd}: the old root is stacked under the new one and detached,
     * so no put_old directory is needed and nothing of the host stays reachable. The calling
     * thread cannot load classes afterwards.
     */
    static void pivot(Fd rootFd) throws ErrnoException {
        Mounts.fchdir(rootFd.value());
        Mounts.pivotRoot(".", ".");
        Mounts.umount2(".", Mounts.MNT_DETACH);
        Mounts.chdir("/");
    }
}
