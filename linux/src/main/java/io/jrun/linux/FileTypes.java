package io.jrun.linux;

/** {@code S_IF*} file type bits and the permission bits of {@code st_mode}. */
public final class FileTypes {
    private FileTypes() {
    }

    /** Mask for the file type bits. */
    public static final int S_IFMT = 0170000;
    public static final int S_IFSOCK = 0140000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFBLK = 060000;
    public static final int S_IFDIR = 040000;
    public static final int S_IFCHR = 020000;
    public static final int S_IFIFO = 010000;

    /** Set-user-ID on execution. chown(2) clears it: chmod after chown. */
    public static final int S_ISUID = 04000;
    /** Set-group-ID on execution (on a directory: new entries inherit the group). */
    public static final int S_ISGID = 02000;
    /** Sticky: in a directory only owners may remove their entries. */
    public static final int S_ISVTX = 01000;
    /** Every permission bit including setuid, setgid and sticky. */
    public static final int PERMISSIONS = 07777;

    public static boolean isDirectory(int mode) {
        return (mode & S_IFMT) == S_IFDIR;
    }

    public static boolean isSymlink(int mode) {
        return (mode & S_IFMT) == S_IFLNK;
    }

    public static boolean isRegular(int mode) {
        return (mode & S_IFMT) == S_IFREG;
    }

    /**
     * Encodes a device number for mknodat, as the kernel's new_decode_dev reads it:
     * minor low 8 bits, then 12 bits of major, then the rest of minor.
     */
    public static long makedev(int major, int minor) {
        return (minor & 0xffL) | ((major & 0xfffL) << 8) | ((minor & 0xfff00L) << 12);
    }
}
