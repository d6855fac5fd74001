package io.jrun.linux;

/** {@code AT_*} values for the *at family of system calls. */
public final class AtFlags {
    private AtFlags() {
    }

    /** The dirfd meaning "the current working directory". */
    public static final int AT_FDCWD = -100;
    /** Operate on a symlink itself rather than what it points at. */
    public static final int AT_SYMLINK_NOFOLLOW = 0x100;
    /** unlinkat: remove a directory (rmdir) instead of a file. */
    public static final int AT_REMOVEDIR = 0x200;
    /** linkat: dereference oldpath if it is a symlink (by default linkat does not). */
    public static final int AT_SYMLINK_FOLLOW = 0x400;
    /** Do not automount the final component. */
    public static final int AT_NO_AUTOMOUNT = 0x800;
    /** An empty path means the dirfd itself. */
    public static final int AT_EMPTY_PATH = 0x1000;

    /** renameat2: fail with EEXIST rather than replacing newpath. */
    public static final int RENAME_NOREPLACE = 1;
    /** renameat2: swap the two names atomically. */
    public static final int RENAME_EXCHANGE = 2;
    /** renameat2: leave an overlayfs whiteout at oldpath. */
    public static final int RENAME_WHITEOUT = 4;

    /** utimensat: leave this timestamp unchanged. */
    public static final long UTIME_OMIT = (1L << 30) - 2;
    /** utimensat: set this timestamp to the current time. */
    public static final long UTIME_NOW = (1L << 30) - 1;
}
