package io.jrun.runtime;

import io.jrun.linux.AtFlags;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Errno;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.FileTypes;
import io.jrun.linux.Mounts;
import io.jrun.linux.OpenFlags;
import io.jrun.linux.ResolveFlags;
import io.jrun.linux.Stat;

import java.util.ArrayList;
import java.util.List;

/**
 * The user's mounts ({@code -v}, {@code --tmpfs}) and {@code --read-only}, on the setup thread
 * in the container's mount namespace, before the pivot. Every mount goes by descriptor: the
 * source is cloned with open_tree, the target is opened inside the container's root
 * (RESOLVE_IN_ROOT: an image's symlink cannot point it at the host), and move_mount attaches
 * one to the other, so no path is looked up twice. A target that an image's symlink leads
 * into /proc or /sys is refused before anything is created there, as one named there is
 * ({@link MountSpec}).
 */
final class Volumes {
    private Volumes() {
    }

    /**
     * podman's --read-only-tmpfs: the places programs expect to write, with what the image has
     * there copied up; the modes where the image has no such directory.
     */
    private static final List<MountSpec.Tmpfs> READ_ONLY_TMPFS = List.of(MountSpec.Tmpfs.readOnlyRootDefault("/run", 0755),
            MountSpec.Tmpfs.readOnlyRootDefault("/tmp", 01777), MountSpec.Tmpfs.readOnlyRootDefault("/var/tmp", 01777));

    static void mount(int rootFd, List<MountSpec> mounts, boolean readOnly) throws LaunchException, ErrnoException {
        List<MountSpec> all = new ArrayList<>();
        if (readOnly) {
            for (MountSpec.Tmpfs tmpfs : READ_ONLY_TMPFS) {
                if (mounts.stream().noneMatch(m -> m.target().equals(tmpfs.target()))) {
                    all.add(tmpfs); // the user's own mount there replaces it, as in podman: one mount, not two stacked
                }
            }
        }
        all.addAll(mounts);
        for (MountSpec m : all) {
            try {
                switch (m) {
                    case MountSpec.Bind b -> bind(rootFd, b);
                    case MountSpec.Tmpfs t -> tmpfs(rootFd, t);
                }
            } catch (ErrnoException e) {
                String what = m instanceof MountSpec.Bind b ? "volume " + b.source() + " on " + b.target() : "tmpfs on " + m.target();
                throw new LaunchException(LaunchException.JRUN_ERROR, "cannot mount " + what + ": " + Errno.message(e.errno())
                        + " (" + e.errnoName() + "): check the path in the image and on the host", e);
            }
        }
    }

    /**
     * A tmpfs on the target. With tmpcopyup (the default) and a directory of the image there,
     * the tmpfs is a copy of it: its root has that directory's owner and mode (unless the options
     * say otherwise) and its content is copied in before the tmpfs is attached (a read-only one
     * is made read-only after that). Otherwise it is empty, root's, with the options' or the
     * fallback mode.
     */
    private static void tmpfs(int rootFd, MountSpec.Tmpfs t) throws LaunchException, ErrnoException {
        Stat image = t.copyUp() ? existingDirectory(rootFd, t.target()) : null;
        List<String> options = new ArrayList<>(t.options());
        if (t.option("mode") == null) {
            options.add("mode=" + Integer.toOctalString(image != null ? image.permissions() : t.fallbackMode()));
        }
        if (image != null && t.option("uid") == null) {
            options.add("uid=" + image.uid());
        }
        if (image != null && t.option("gid") == null) {
            options.add("gid=" + image.gid());
        }
        boolean copy = image != null;
        long attributes = attributes(t);
        try (Fd target = target(rootFd, t.target(), true);
             Fd tmpfs = RootFs.create("tmpfs", "tmpfs", copy ? attributes & ~Mounts.MOUNT_ATTR_RDONLY : attributes,
                     options.toArray(String[]::new))) {
            if (copy) {
                try {
                    TmpfsCopyUp.copy(target.value(), tmpfs.value());
                } catch (ErrnoException e) {
                    throw new LaunchException(LaunchException.JRUN_ERROR, "cannot copy the image's " + t.target()
                            + " into its tmpfs: " + e.getMessage() + ": give it a larger size=, or add notmpcopyup", e);
                }
                if ((attributes & Mounts.MOUNT_ATTR_RDONLY) != 0) {
                    Mounts.mountSetattr(tmpfs.value(), "", AtFlags.AT_EMPTY_PATH, Mounts.MOUNT_ATTR_RDONLY, 0, 0);
                }
            }
            RootFs.attach(tmpfs, target);
        }
    }

    /** The image's directory at {@code path} (resolved in the root), or null when there is none. */
    private static Stat existingDirectory(int rootFd, String path) throws ErrnoException {
        try (Fd dir = FileSyscalls.openat2(rootFd, path.substring(1), OpenFlags.O_PATH | OpenFlags.O_DIRECTORY
                | OpenFlags.O_CLOEXEC, 0, ResolveFlags.RESOLVE_IN_ROOT)) {
            return FileSyscalls.statx(dir.value(), "", AtFlags.AT_EMPTY_PATH);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ENOENT || e.errno() == Errno.ENOTDIR) {
                return null; // made by target() below, or refused there with its own message
            }
            throw e;
        }
    }

    /**
     * Makes the root read-only. Last, after every mount point and the working directory
     * exist: nothing can be created in the root afterwards. Only the root mount: /dev, /proc,
     * the tmpfs mounts and the volumes keep their own flags.
     */
    static void makeRootReadOnly(int rootFd) throws ErrnoException {
        Mounts.mountSetattr(rootFd, "", AtFlags.AT_EMPTY_PATH, Mounts.MOUNT_ATTR_RDONLY, 0, 0);
    }

    private static void bind(int rootFd, MountSpec.Bind b) throws LaunchException, ErrnoException {
        Fd tree;
        try {
            tree = Mounts.openTree(AtFlags.AT_FDCWD, b.source().toString(),
                    Mounts.OPEN_TREE_CLONE | Mounts.OPEN_TREE_CLOEXEC | Mounts.AT_RECURSIVE);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ENOENT) {
                throw new LaunchException(LaunchException.JRUN_ERROR, "volume source " + b.source()
                        + " does not exist on the host: create it first, or correct the path", e);
            }
            throw e;
        }
        try (tree) {
            boolean directory = FileTypes.isDirectory(FileSyscalls.statx(tree.value(), "", AtFlags.AT_EMPTY_PATH).mode());
            if (b.readOnly()) {
                // recursive: a read-only volume must not have writable mounts below it
                Mounts.mountSetattr(tree.value(), "", AtFlags.AT_EMPTY_PATH | Mounts.AT_RECURSIVE,
                        Mounts.MOUNT_ATTR_RDONLY, 0, 0);
            }
            try (Fd target = target(rootFd, b.target(), directory)) {
                RootFs.attach(tree, target);
            }
        }
    }

    /**
     * The mount point {@code path}, a directory or a file, made when missing; first its deepest
     * existing part, then the target itself, must lie where its name says, not in /proc or /sys.
     */
    private static Fd target(int rootFd, String path, boolean directory) throws LaunchException, ErrnoException {
        String existing = path;
        while (true) {
            try (Fd part = FileSyscalls.openat2(rootFd, existing.substring(1), OpenFlags.O_PATH | OpenFlags.O_CLOEXEC, 0,
                    ResolveFlags.RESOLVE_IN_ROOT)) {
                requireOutsideKernel(rootFd, part, path);
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
            requireOutsideKernel(rootFd, target, path);
            return target;
        } catch (LaunchException | ErrnoException | RuntimeException e) {
            target.close();
            throw e;
        }
    }

    private static void requireOutsideKernel(int rootFd, Fd fd, String path) throws LaunchException, ErrnoException {
        String reached = RootFs.pathInRoot(rootFd, fd.value());
        if (reached == null || RootFs.inKernelFileSystem(reached)) {
            throw new LaunchException(LaunchException.JRUN_ERROR, "mount target " + path + " leads to "
                    + (reached == null ? "outside the container" : reached) + " through a symlink in the image, and jrun"
                    + " does not mount in /proc or /sys: choose another path");
        }
    }

    private static long attributes(MountSpec.Tmpfs t) {
        long attributes = 0;
        if (t.readOnly()) {
            attributes |= Mounts.MOUNT_ATTR_RDONLY;
        }
        if (t.noExec()) {
            attributes |= Mounts.MOUNT_ATTR_NOEXEC;
        }
        if (t.noSuid()) {
            attributes |= Mounts.MOUNT_ATTR_NOSUID;
        }
        if (t.noDev()) {
            attributes |= Mounts.MOUNT_ATTR_NODEV;
        }
        return attributes;
    }
}
