package io.jrun.runtime.launch;

import io.jrun.linux.AtFlags;
import io.jrun.linux.Errno;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.FileTypes;
import io.jrun.linux.Mounts;
import io.jrun.linux.OpenFlags;
import io.jrun.linux.ResolveFlags;
import io.jrun.linux.Stat;

import java.util.List;

/**
 * The configuration's {@code mounts}, with the new mount API, by descriptor: a new file system
 * is made detached (fsopen, fsconfig, fsmount), a bind mount is a detached clone of its source
 * (open_tree), the target is opened inside the container's root (RESOLVE_IN_ROOT: an image's
 * symlink cannot point it at the host), and move_mount attaches one to the other, so no path is
 * looked up twice. A target that an image's symlink leads into /proc or /sys is refused before
 * anything is created there, unless the configuration names such a place itself (/sys,
 * /sys/fs/cgroup).
 *
 * <p>The setup thread mounts everything but /proc and what lies below it, in order, before the
 * pivot; the gate keeper mounts those once the app's pid namespace exists.
 */
final class SpecMounts {
    private SpecMounts() {
    }

    /** Mounts {@code m} inside the root {@code rootFd}; errors name the mount. */
    static void mount(int rootFd, MountPlan m) throws LaunchException {
        try {
            if (m.tmpcopyup()) {
                tmpfsCopiedUp(rootFd, m);
                return;
            }
            try (Fd detached = detached(m, AtFlags.AT_FDCWD)) {
                attach(rootFd, m, detached);
            }
        } catch (ErrnoException e) {
            throw failure(m, e);
        }
    }

    /**
     * crun's (and podman's) tmpcopyup: a tmpfs that starts as a copy of the directory the image
     * has at the destination. Its root gets that directory's owner and mode unless the options
     * say otherwise, and the content is copied in while the tmpfs is still detached (a read-only
     * one is made read-only after that). Where the image has no directory there, an empty tmpfs.
     */
    private static void tmpfsCopiedUp(int rootFd, MountPlan m) throws LaunchException, ErrnoException {
        Stat image = existingDirectory(rootFd, m.destination());
        List<String> data = new java.util.ArrayList<>(m.data());
        if (image != null) {
            addUnlessGiven(data, "mode", Integer.toOctalString(image.permissions()));
            addUnlessGiven(data, "uid", Long.toString(image.uid()));
            addUnlessGiven(data, "gid", Long.toString(image.gid()));
        }
        long attributes = m.attrSet() & ~m.attrClear();
        try (Fd target = target(rootFd, m.destination(), true);
             Fd tmpfs = RootFs.create("tmpfs", m.source(), attributes & ~Mounts.MOUNT_ATTR_RDONLY, data.toArray(String[]::new))) {
            if (image != null) {
                try {
                    TmpfsCopyUp.copy(target.value(), tmpfs.value());
                } catch (ErrnoException e) {
                    throw new LaunchException(LaunchException.JRUN_ERROR, "cannot copy the image's " + m.destination()
                            + " into its tmpfs: " + e.getMessage() + ": give it a larger size=, or drop tmpcopyup", e);
                }
            }
            if ((attributes & Mounts.MOUNT_ATTR_RDONLY) != 0) {
                Mounts.mountSetattr(tmpfs.value(), "", AtFlags.AT_EMPTY_PATH, Mounts.MOUNT_ATTR_RDONLY, 0, 0);
            }
            RootFs.attach(tmpfs, target);
            if (m.propagation() != 0) {
                Mounts.mountSetattr(tmpfs.value(), "", AtFlags.AT_EMPTY_PATH, 0, 0, m.propagation());
            }
        }
    }

    private static void addUnlessGiven(List<String> data, String key, String value) {
        if (data.stream().noneMatch(o -> o.startsWith(key + "="))) {
            data.add(key + "=" + value);
        }
    }

    /** The image's directory at {@code path} (resolved in the root), or null when there is none. */
    private static Stat existingDirectory(int rootFd, String path) throws ErrnoException {
        try (Fd dir = FileSyscalls.openat2(rootFd, path.substring(1), OpenFlags.O_PATH | OpenFlags.O_DIRECTORY
                | OpenFlags.O_CLOEXEC, 0, ResolveFlags.RESOLVE_IN_ROOT)) {
            return FileSyscalls.statx(dir.value(), "", AtFlags.AT_EMPTY_PATH);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ENOENT || e.errno() == Errno.ENOTDIR) {
                return null; // made by target(), or refused there with its own message
            }
            throw e;
        }
    }

    static LaunchException failure(MountPlan m, ErrnoException e) {
        if (m.bind() && e.errno() == Errno.ENOENT && e.getMessage().contains(m.source())) {
            return new LaunchException(LaunchException.JRUN_ERROR, "the source of the " + m.describe()
                    + " does not exist on the host: create it first, or correct the path", e);
        }
        return new LaunchException(LaunchException.JRUN_ERROR, "cannot make the " + m.describe() + ": "
                + Errno.message(e.errno()) + " (" + e.errnoName() + ")"
                + (e.getMessage().contains("fsconfig") ? ", in " + e.getMessage() : "")
                + ": check the mount's options and paths", e);
    }

    /**
     * The mount, made but not attached anywhere yet. A bind mount's source is looked up from
     * {@code dirFd} (AT_FDCWD: the calling thread's root and mount namespace).
     */
    static Fd detached(MountPlan m, int dirFd) throws ErrnoException {
        if (m.bind()) {
            Fd tree = Mounts.openTree(dirFd, m.source(), Mounts.OPEN_TREE_CLONE | Mounts.OPEN_TREE_CLOEXEC
                    | (m.recursive() ? Mounts.AT_RECURSIVE : 0));
            try {
                if (m.attrSet() != 0 || m.attrClear() != 0) {
                    Mounts.mountSetattr(tree.value(), "", AtFlags.AT_EMPTY_PATH | (m.recursive() ? Mounts.AT_RECURSIVE : 0),
                            m.attrSet(), m.attrClear(), 0);
                }
                return tree;
            } catch (ErrnoException | RuntimeException e) {
                tree.close();
                throw e;
            }
        }
        String type = m.type().equals("cgroup") ? "cgroup2" : m.type(); // cgroup v2 only: podman's "cgroup" means it
        return RootFs.create(type, m.source(), m.attrSet() & ~m.attrClear(), m.data().toArray(String[]::new));
    }

    /** Attaches {@code detached} at {@code m}'s destination, then sets its propagation. */
    static void attach(int rootFd, MountPlan m, Fd detached) throws ErrnoException, LaunchException {
        boolean directory = FileTypes.isDirectory(FileSyscalls.statx(detached.value(), "", AtFlags.AT_EMPTY_PATH).mode());
        try (Fd target = target(rootFd, m.destination(), directory)) {
            RootFs.attach(detached, target);
        }
        if (m.propagation() != 0) {
            Mounts.mountSetattr(detached.value(), "", AtFlags.AT_EMPTY_PATH
                    | (m.propagationRecursive() ? Mounts.AT_RECURSIVE : 0), 0, 0, m.propagation());
        }
    }

    /** Makes the root read-only: after every mount point and the working directory exist. */
    static void makeRootReadOnly(int rootFd) throws ErrnoException {
        Mounts.mountSetattr(rootFd, "", AtFlags.AT_EMPTY_PATH, Mounts.MOUNT_ATTR_RDONLY, 0, 0);
    }

    /**
     * The mount point {@code path}, a directory or a file, made when missing; first its deepest
     * existing part, then the target itself, must lie where its name says as far as /proc and
     * /sys go.
     */
    static Fd target(int rootFd, String path, boolean directory) throws LaunchException, ErrnoException {
        String existing = path;
        while (true) {
            try (Fd part = FileSyscalls.openat2(rootFd, existing.substring(1), OpenFlags.O_PATH | OpenFlags.O_CLOEXEC, 0,
                    ResolveFlags.RESOLVE_IN_ROOT)) {
                requireWhereNamed(rootFd, part, path);
                break;
            } catch (ErrnoException e) {
                if (e.errno() != Errno.ENOENT || existing.lastIndexOf('/') <= 0) {
                    break; // the root itself is fine; other errors come again below, with the mount's message
                }
                existing = existing.substring(0, existing.lastIndexOf('/'));
            }
        }
        Fd target = directory ? RootFs.directory(rootFd, path) : RootFs.file(rootFd, path);
        try {
            requireWhereNamed(rootFd, target, path);
            return target;
        } catch (LaunchException | ErrnoException | RuntimeException e) {
            target.close();
            throw e;
        }
    }

    /**
     * Refuses a target that a symlink of the image led into /proc or /sys (the class of runc's
     * CVE-2019-16884 and CVE-2019-19921): only a destination named there may land there.
     */
    private static void requireWhereNamed(int rootFd, Fd fd, String path) throws LaunchException, ErrnoException {
        if (RootFs.inKernelFileSystem(path)) {
            return; // named there: wherever it leads inside the root, it may be there (and the gate
                    // keeper, in the container's mount namespace, has no /proc of its own to ask)
        }
        String reached = RootFs.pathInRoot(rootFd, fd.value());
        if (reached == null || RootFs.inKernelFileSystem(reached) && !RootFs.inKernelFileSystem(path)) {
            throw new LaunchException(LaunchException.JRUN_ERROR, "mount target " + path + " leads to "
                    + (reached == null ? "outside the container" : reached) + " through a symlink in the image, and jrun"
                    + " does not mount in /proc or /sys that way: choose another path");
        }
    }

    /** The mounts in order, for the setup thread. */
    static void mountAll(int rootFd, List<MountPlan> mounts) throws LaunchException {
        for (MountPlan m : mounts) {
            mount(rootFd, m);
        }
    }
}
