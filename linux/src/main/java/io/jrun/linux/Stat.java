package io.jrun.linux;

/**
 * What {@code statx} says about a file: type and permission bits, owner, inode, link count,
 * size, device numbers (of a device node) and the modification time.
 */
public record Stat(int mode, long uid, long gid, long inode, long links, long size,
                   int rdevMajor, int rdevMinor, long mtimeSeconds, int mtimeNanos) {

    public int type() {
        return mode & FileTypes.S_IFMT;
    }

    public int permissions() {
        return mode & FileTypes.PERMISSIONS;
    }

    public boolean isDirectory() {
        return FileTypes.isDirectory(mode);
    }

    public boolean isSymlink() {
        return FileTypes.isSymlink(mode);
    }

    public boolean isRegular() {
        return FileTypes.isRegular(mode);
    }
}
