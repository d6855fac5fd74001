package io.jrun.runtime.launch;

import io.jrun.linux.AtFlags;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Errno;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.FileTypes;
import io.jrun.linux.NativeBuffer;
import io.jrun.linux.OpenFlags;
import io.jrun.linux.ResolveFlags;
import io.jrun.linux.Stat;

import java.time.Instant;

/**
 * crun's tmpcopyup: what the image has in a directory, copied into the tmpfs that is about to
 * be mounted over it, so that a read-only root's /run still holds, say, /run/postgresql owned by
 * postgres with mode 2775. On the setup thread, before the pivot, from a descriptor of the image's
 * directory (through the overlay, so whiteouts are already applied) into the new tmpfs's root
 * (the detached mount's descriptor), before it is attached: nothing of the container runs yet.
 *
 * <p>The image is hostile input. Every name is resolved from its parent's descriptor with
 * {@code RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS} and opened {@code O_NOFOLLOW}: a symlink is copied
 * as a symlink, never followed, and a mount below the directory is not entered
 * ({@code RESOLVE_NO_XDEV}). Directories, regular files, symlinks and FIFOs are copied with their
 * owners, modes (setuid and setgid bits included: chown first, chmod after) and modification
 * times. Device nodes and sockets are left out (the image's device nodes get no second life in a
 * tmpfs; a socket is nothing without its server), hard links become separate copies, and xattrs
 * are not copied. At most {@link #MAX_DEPTH} levels.
 */
final class TmpfsCopyUp {
    static final int MAX_DEPTH = 128;
    private static final long BENEATH = ResolveFlags.RESOLVE_BENEATH | ResolveFlags.RESOLVE_NO_SYMLINKS
            | ResolveFlags.RESOLVE_NO_MAGICLINKS;

    private TmpfsCopyUp() {
    }

    /**
     * Copies the content of the directory {@code source} (a descriptor that may be O_PATH) into
     * the directory {@code target} (the tmpfs's root). The root's own owner and mode are the
     * tmpfs's mount options' business.
     */
    static void copy(int source, int target) throws ErrnoException {
        try (Fd readable = FileSyscalls.openat2(source, ".", OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY
                | OpenFlags.O_CLOEXEC, 0, BENEATH); NativeBuffer buffer = new NativeBuffer(64 << 10)) {
            copyDirectory(readable.value(), target, buffer, 1);
        }
    }

    private static void copyDirectory(int source, int target, NativeBuffer buffer, int depth) throws ErrnoException {
        if (depth > MAX_DEPTH) {
            throw new ErrnoException("copy", "more than " + MAX_DEPTH + " directory levels", Errno.ELOOP);
        }
        for (FileSyscalls.DirectoryEntry entry : FileSyscalls.listDirectory(source)) {
            String name = entry.name();
            Stat stat = FileSyscalls.statx(source, name, AtFlags.AT_SYMLINK_NOFOLLOW);
            switch (stat.type()) {
                case FileTypes.S_IFDIR -> {
                    FileSyscalls.mkdirat(target, name, 0700);
                    try (Fd into = FileSyscalls.openat2(target, name, OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY
                            | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC, 0, BENEATH)) {
                        Fd from = openBeneath(source, name, OpenFlags.O_DIRECTORY);
                        if (from != null) { // else a mount point: its directory stays, empty
                            try (from) {
                                copyDirectory(from.value(), into.value(), buffer, depth + 1);
                            }
                        }
                        setOwnerAndMode(into, stat);
                    }
                }
                case FileTypes.S_IFREG -> {
                    try (Fd from = FileSyscalls.openat2(source, name, OpenFlags.O_RDONLY | OpenFlags.O_NOFOLLOW
                            | OpenFlags.O_CLOEXEC, 0, BENEATH);
                         Fd into = FileSyscalls.openat2(target, name, OpenFlags.O_WRONLY | OpenFlags.O_CREAT
                                 | OpenFlags.O_EXCL | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC, 0600, BENEATH)) {
                        for (int n; (n = buffer.read(from.value())) > 0; ) {
                            buffer.write(into.value(), n);
                        }
                        setOwnerAndMode(into, stat);
                    }
                }
                case FileTypes.S_IFLNK -> {
                    FileSyscalls.symlinkat(FileSyscalls.readlinkat(source, name), target, name);
                    FileSyscalls.fchownat(target, name, stat.uid(), stat.gid(), AtFlags.AT_SYMLINK_NOFOLLOW);
                    FileSyscalls.utimensat(target, name, mtime(stat), mtime(stat), AtFlags.AT_SYMLINK_NOFOLLOW);
                }
                case FileTypes.S_IFIFO -> {
                    FileSyscalls.mknodat(target, name, FileTypes.S_IFIFO | 0600, 0);
                    FileSyscalls.fchownat(target, name, stat.uid(), stat.gid(), AtFlags.AT_SYMLINK_NOFOLLOW);
                    FileSyscalls.fchmodat(target, name, stat.permissions()); // just made: no symlink to follow
                    FileSyscalls.utimensat(target, name, mtime(stat), mtime(stat), AtFlags.AT_SYMLINK_NOFOLLOW);
                }
                default -> {
                    // device nodes and sockets: not copied (see above)
                }
            }
        }
    }

    /** {@code name} below {@code dir}, on the same mount; null when it is a mount point. */
    private static Fd openBeneath(int dir, String name, int flags) throws ErrnoException {
        try {
            return FileSyscalls.openat2(dir, name, OpenFlags.O_RDONLY | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC | flags,
                    0, BENEATH | ResolveFlags.RESOLVE_NO_XDEV);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.EXDEV) {
                return null;
            }
            throw e;
        }
    }

    /** Owner first (chown clears setuid and setgid), then the mode, then the time. */
    private static void setOwnerAndMode(Fd file, Stat stat) throws ErrnoException {
        FileSyscalls.fchown(file.value(), stat.uid(), stat.gid());
        FileSyscalls.fchmod(file.value(), stat.permissions());
        FileSyscalls.utimensat(file.value(), null, mtime(stat), mtime(stat), 0);
    }

    private static Instant mtime(Stat stat) {
        return Instant.ofEpochSecond(stat.mtimeSeconds(), stat.mtimeNanos());
    }
}
