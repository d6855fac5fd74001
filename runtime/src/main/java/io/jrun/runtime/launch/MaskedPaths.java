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

/**
 * The masked and read-only paths of /proc and /sys ({@link ContainerHardening}; runc's by
 * default): kernel interfaces a container should neither read nor write. A masked file gets
 * /dev/null bound over it, a masked directory an empty read-only tmpfs; read-only paths become
 * read-only bind mounts of themselves. Paths this kernel lacks are skipped.
 */
final class MaskedPaths {
    private MaskedPaths() {
    }

    private static final long LOCKED_DOWN = Mounts.MOUNT_ATTR_RDONLY | Mounts.MOUNT_ATTR_NOSUID
            | Mounts.MOUNT_ATTR_NODEV | Mounts.MOUNT_ATTR_NOEXEC;

    /**
     * Applies both lists inside the root {@code rootFd} (its /proc, /sys and /dev mounted).
     * Arrays: the caller's root may already be the container's, where no class can be loaded.
     */
    static void apply(int rootFd, String[] masked, String[] readOnly) throws ErrnoException {
        for (String path : masked) {
            try (Fd target = openInRoot(rootFd, path)) {
                if (target == null) {
                    continue;
                }
                boolean directory = FileTypes.isDirectory(FileSyscalls.statx(target.value(), "", AtFlags.AT_EMPTY_PATH).mode());
                try (Fd cover = directory
                        ? RootFs.create("tmpfs", "tmpfs", LOCKED_DOWN)
                        : Mounts.openTree(rootFd, "dev/null", Mounts.OPEN_TREE_CLONE | Mounts.OPEN_TREE_CLOEXEC)) {
                    RootFs.attach(cover, target);
                }
            }
        }
        for (String path : readOnly) {
            try (Fd target = openInRoot(rootFd, path)) {
                if (target == null) {
                    continue;
                }
                try (Fd copy = Mounts.openTree(target.value(), "", Mounts.OPEN_TREE_CLONE | Mounts.OPEN_TREE_CLOEXEC
                        | Mounts.AT_RECURSIVE | AtFlags.AT_EMPTY_PATH)) {
                    Mounts.mountSetattr(copy.value(), "", AtFlags.AT_EMPTY_PATH | Mounts.AT_RECURSIVE, LOCKED_DOWN, 0, 0);
                    RootFs.attach(copy, target);
                }
            }
        }
    }

    /**
     * An O_PATH descriptor of {@code path} resolved inside the root, or null when it does not
     * exist. A symlink is followed, inside the root (RESOLVE_IN_ROOT, which also refuses magic
     * links), as runc's bind mount follows it: the link's target is what gets covered, and a
     * link that loops is an error (ELOOP) rather than a mount on the link itself.
     */
    private static Fd openInRoot(int rootFd, String path) throws ErrnoException {
        try {
            return FileSyscalls.openat2(rootFd, path.substring(1), OpenFlags.O_PATH | OpenFlags.O_CLOEXEC,
                    0, ResolveFlags.RESOLVE_IN_ROOT);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ENOENT) {
                return null;
            }
            throw e;
        }
    }
}
