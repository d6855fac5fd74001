package io.jrun.linux;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/** Whole-file-system operations. */
public final class FileSystems {
    private FileSystems() {
    }

    /**
     * Flushes every dirty page and inode of the file system holding {@code anyPathOnThatFs}
     * with one syncfs(2): much cheaper than an fsync per file after unpacking a layer.
     */
    public static void syncfs(Path anyPathOnThatFs) throws ErrnoException {
        try (Fd fd = FileSyscalls.openat(AtFlags.AT_FDCWD, anyPathOnThatFs.toString(),
                OpenFlags.O_RDONLY | OpenFlags.O_CLOEXEC, 0)) {
            FileSyscalls.syncfs(fd.value());
        }
    }

    private static final long FS_IOC_GETFLAGS = 0x80086601L;
    private static final long FS_IOC_SETFLAGS = 0x40086602L;
    /** FS_TOPDIR_FL (chattr +T): "top of directory hierarchies" for ext4's Orlov allocator. */
    static final int FS_TOPDIR_FL = 0x00020000;

    /**
     * Asks the file system to spread the subdirectories of {@code dir} over its block groups
     * (ext2/3/4's Orlov allocator treats them like home directories: each in a group with few
     * directories and many free inodes, from a start that hashes its name), as
     * {@code chattr +T} does. A best effort: false where the file system has no such flag
     * (tmpfs: ENOTTY) or refuses it. Why: ext4 without a journal places a new inode in its
     * parent's block group and will not reuse one freed in the last minutes; the search skips
     * each such inode one lookup at a time, so creating a tree where a tree was just deleted
     * costs hundreds of microseconds of CPU per file. A tree started in another group does not pay.
     */
    public static boolean spreadSubdirectories(Path dir) throws ErrnoException {
        try (Fd fd = FileSyscalls.openat(AtFlags.AT_FDCWD, dir.toString(),
                OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC, 0)) {
            MemorySegment flags = Syscall.scratch().struct(); // the kernel reads and writes an int
            flags.set(ValueLayout.JAVA_INT, 0, 0);
            if (Syscall.raw(Syscall.NR.ioctl(), fd.value(), FS_IOC_GETFLAGS, flags.address(), 0, 0, 0) != 0) {
                return false;
            }
            int current = flags.get(ValueLayout.JAVA_INT, 0);
            if ((current & FS_TOPDIR_FL) != 0) {
                return true;
            }
            flags.set(ValueLayout.JAVA_INT, 0, current | FS_TOPDIR_FL);
            return Syscall.raw(Syscall.NR.ioctl(), fd.value(), FS_IOC_SETFLAGS, flags.address(), 0, 0, 0) == 0;
        }
    }
}
