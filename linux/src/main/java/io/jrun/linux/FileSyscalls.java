package io.jrun.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static io.jrun.linux.Syscall.NR;
import static io.jrun.linux.Syscall.call;

/**
 * The file system calls, as thin typed wrappers. Paths are passed as NUL-terminated UTF-8;
 * a path with a NUL byte is an IllegalArgumentException; every failure is an
 * {@link ErrnoException} naming the call and the path. {@code dirFd} may be
 * {@link AtFlags#AT_FDCWD}.
 */
public final class FileSyscalls {
    private FileSyscalls() {
    }

    /** openat(2); mode only matters with O_CREAT. */
    public static Fd openat(int dirFd, String path, int flags, int mode) throws ErrnoException {
        Syscall.Scratch s = Syscall.scratch();
        return new Fd((int) call("openat", path, NR.openat(), dirFd, s.path1("openat", path), flags, mode));
    }

    /**
     * openat2(2): like openat, with {@code resolve} (RESOLVE_*) restricting how the path may
     * be walked. {@code mode} must be 0 unless flags has O_CREAT (EINVAL otherwise). Kernel 5.6
     * or later.
     */
    public static Fd openat2(int dirFd, String path, int flags, int mode, long resolve) throws ErrnoException {
        Syscall.Scratch s = Syscall.scratch();
        long pathAddress = s.path1("openat2", path);
        MemorySegment how = s.struct(); // struct open_how { u64 flags; u64 mode; u64 resolve; }
        how.set(ValueLayout.JAVA_LONG, 0, flags & 0xffffffffL);
        how.set(ValueLayout.JAVA_LONG, 8, mode);
        how.set(ValueLayout.JAVA_LONG, 16, resolve);
        return new Fd((int) call("openat2", path, NR.openat2(), dirFd, pathAddress, how.address(), 24));
    }

    /** mkdirat(2). The mode is filtered by the umask: fchmodat afterwards for an exact mode. */
    public static void mkdirat(int dirFd, String path, int mode) throws ErrnoException {
        call("mkdirat", path, NR.mkdirat(), dirFd, Syscall.scratch().path1("mkdirat", path), mode);
    }

    /**
     * mknodat(2): {@code mode} holds the type (S_IFCHR, S_IFBLK, S_IFIFO…) and permissions;
     * {@code device} comes from {@link FileTypes#makedev}. Careful: mknod obeys the umask, so
     * callers wanting an exact mode fchmodat afterwards.
     */
    public static void mknodat(int dirFd, String path, int mode, long device) throws ErrnoException {
        call("mknodat", path, NR.mknodat(), dirFd, Syscall.scratch().path1("mknodat", path), mode, device);
    }

    /** symlinkat(2): creates {@code linkPath} pointing at {@code target}, stored verbatim. */
    public static void symlinkat(String target, int dirFd, String linkPath) throws ErrnoException {
        Syscall.Scratch s = Syscall.scratch();
        long targetAddress = s.path2("symlinkat", target);
        call("symlinkat", linkPath, NR.symlinkat(), targetAddress, dirFd, s.path1("symlinkat", linkPath));
    }

    /**
     * linkat(2). Without AT_SYMLINK_FOLLOW in {@code flags} a symlink at oldPath is linked
     * itself, never followed.
     */
    public static void linkat(int oldDirFd, String oldPath, int newDirFd, String newPath, int flags)
            throws ErrnoException {
        Syscall.Scratch s = Syscall.scratch();
        long oldAddress = s.path2("linkat", oldPath);
        call("linkat", newPath, NR.linkat(), oldDirFd, oldAddress, newDirFd, s.path1("linkat", newPath), flags);
    }

    /** unlinkat(2); AT_REMOVEDIR removes an (empty) directory. */
    public static void unlinkat(int dirFd, String path, int flags) throws ErrnoException {
        call("unlinkat", path, NR.unlinkat(), dirFd, Syscall.scratch().path1("unlinkat", path), flags);
    }

    /** renameat2(2) with RENAME_* flags (0 behaves as renameat). */
    public static void renameat2(int oldDirFd, String oldPath, int newDirFd, String newPath, int flags)
            throws ErrnoException {
        Syscall.Scratch s = Syscall.scratch();
        long oldAddress = s.path2("renameat2", oldPath);
        call("renameat2", newPath, NR.renameat2(), oldDirFd, oldAddress, newDirFd, s.path1("renameat2", newPath), flags);
    }

    /** fchownat(2); pass AT_SYMLINK_NOFOLLOW to change a symlink itself. -1 leaves an id as is. */
    public static void fchownat(int dirFd, String path, long uid, long gid, int flags) throws ErrnoException {
        call("fchownat", path, NR.fchownat(), dirFd, Syscall.scratch().path1("fchownat", path),
                uid & 0xffffffffL, gid & 0xffffffffL, flags);
    }

    /** fchown(2) on an open file. Clears setuid/setgid and file capabilities, like every chown. */
    public static void fchown(int fd, long uid, long gid) throws ErrnoException {
        call("fchown", null, NR.fchown(), fd, uid & 0xffffffffL, gid & 0xffffffffL);
    }

    /**
     * fchmodat(2). The system call has no flags argument (glibc's AT_SYMLINK_NOFOLLOW is an
     * emulation) and follows a symlink at the final component: only use it on names known not
     * to be symlinks, e.g. ones just created.
     */
    public static void fchmodat(int dirFd, String path, int mode) throws ErrnoException {
        call("fchmodat", path, NR.fchmodat(), dirFd, Syscall.scratch().path1("fchmodat", path), mode);
    }

    /** fchmod(2) on an open file (not an O_PATH one: EBADF). */
    public static void fchmod(int fd, int mode) throws ErrnoException {
        call("fchmod", null, NR.fchmod(), fd, mode);
    }

    /**
     * utimensat(2) with nanosecond precision. {@code path} null changes dirFd itself (which must
     * not be an O_PATH descriptor). AT_SYMLINK_NOFOLLOW changes a symlink itself.
     */
    public static void utimensat(int dirFd, String path, Instant atime, Instant mtime, int flags)
            throws ErrnoException {
        Syscall.Scratch s = Syscall.scratch();
        MemorySegment times = s.struct(); // struct timespec times[2] = { atime, mtime }
        times.set(ValueLayout.JAVA_LONG, 0, atime.getEpochSecond());
        times.set(ValueLayout.JAVA_LONG, 8, atime.getNano());
        times.set(ValueLayout.JAVA_LONG, 16, mtime.getEpochSecond());
        times.set(ValueLayout.JAVA_LONG, 24, mtime.getNano());
        long pathAddress = path == null ? 0 : s.path1("utimensat", path);
        call("utimensat", path, NR.utimensat(), dirFd, pathAddress, times.address(), flags);
    }

    /** fsetxattr(2) on an open file (not an O_PATH one). */
    public static void fsetxattr(int fd, String name, byte[] value) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            long nameAddress = Syscall.scratch().path2("fsetxattr", name);
            MemorySegment v = copy(arena, value);
            call("fsetxattr " + name, null, NR.fsetxattr(), fd, nameAddress, v.address(), value.length, 0);
        }
    }

    /** lsetxattr(2): sets an attribute on {@code path} without following a final symlink. */
    public static void lsetxattr(String path, String name, byte[] value) throws ErrnoException {
        setxattr("lsetxattr", NR.lsetxattr(), path, name, value);
    }

    /** setxattr(2): follows a final symlink (e.g. a {@code /proc/self/fd/N} magic link). */
    public static void setxattr(String path, String name, byte[] value) throws ErrnoException {
        setxattr("setxattr", NR.setxattr(), path, name, value);
    }

    /**
     * Sets an attribute on {@code name} inside an already opened directory, without following
     * {@code name} if it is a symlink. There is no {@code setxattrat} before kernel 6.13, and
     * O_PATH descriptors refuse fsetxattr (EBADF), so the path is
     * {@code /proc/self/fd/<dirFd>/<name>}: the kernel follows the magic link to exactly the
     * directory dirFd holds (no re-resolution of its path), then lsetxattr leaves the final
     * name unfollowed. {@code name} must be a single component; "" means the directory itself.
     */
    public static void setxattrAt(int dirFd, String name, String attribute, byte[] value) throws ErrnoException {
        if (name.isEmpty()) {
            setxattr("/proc/self/fd/" + dirFd, attribute, value);
        } else {
            lsetxattr("/proc/self/fd/" + dirFd + "/" + name, attribute, value);
        }
    }

    /** lgetxattr(2); ENODATA when the attribute is absent. */
    public static byte[] lgetxattr(String path, String name) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            Syscall.Scratch s = Syscall.scratch();
            MemorySegment buffer = arena.allocate(65536);
            long length = call("lgetxattr", path, NR.lgetxattr(), s.path1("lgetxattr", path),
                    s.path2("lgetxattr", name), buffer.address(), buffer.byteSize());
            return buffer.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** fgetxattr(2) on an open file; ENODATA when the attribute is absent. */
    public static byte[] fgetxattr(int fd, String name) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(65536);
            long length = call("fgetxattr", name, NR.fgetxattr(), fd,
                    Syscall.scratch().path2("fgetxattr", name), buffer.address(), buffer.byteSize());
            return buffer.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** readlinkat(2): a symlink's target, verbatim. */
    public static String readlinkat(int dirFd, String path) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(Syscall.Scratch.PATH_MAX);
            long length = call("readlinkat", path, NR.readlinkat(), dirFd,
                    Syscall.scratch().path1("readlinkat", path), buffer.address(), buffer.byteSize());
            return new String(buffer.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        }
    }

    /**
     * read(2) of at most {@code max} bytes (up to 4096): what one call returns, which may be
     * less; an empty array means end-of-file.
     */
    public static byte[] read(int fd, int max) throws ErrnoException {
        MemorySegment buffer = Syscall.scratch().memory.asSlice(Syscall.Scratch.PATH1, Math.min(max, Syscall.Scratch.PATH_MAX));
        long n = call("read", null, NR.read(), fd, buffer.address(), buffer.byteSize());
        return buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
    }

    /**
     * One read(2) of at most {@code length} bytes into {@code buffer} at {@code offset}; returns
     * the number read, 0 at the end of input.
     */
    public static int read(int fd, byte[] buffer, int offset, int length) throws ErrnoException {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(Math.max(1, length));
            int n = (int) call("read", null, NR.read(), fd, memory.address(), length);
            MemorySegment.copy(memory, ValueLayout.JAVA_BYTE, 0, buffer, offset, n);
            return n;
        }
    }

    /** Writes all of {@code data} (write(2) may write less than asked: loops). */
    public static void write(int fd, byte[] data) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            writeFully(fd, copy(arena, data), data.length);
        }
    }

    /** Writes the first {@code length} bytes of native {@code data}, looping on partial writes. */
    static void writeFully(int fd, MemorySegment data, long length) throws ErrnoException {
        long done = 0;
        while (done < length) {
            long n = call("write", null, NR.write(), fd, data.address() + done, length - done);
            done += n;
        }
    }

    /** fsync(2). */
    public static void fsync(int fd) throws ErrnoException {
        call("fsync", null, NR.fsync(), fd);
    }

    /** syncfs(2): flushes the whole file system that {@code fd} is on. */
    public static void syncfs(int fd) throws ErrnoException {
        call("syncfs", null, NR.syncfs(), fd);
    }

    /** getuid(2). */
    public static long getuid() throws ErrnoException {
        return Syscall.call("getuid", NR.getuid());
    }

    /**
     * statx(2) of {@code path} relative to dirFd; AT_SYMLINK_NOFOLLOW describes a symlink
     * itself, AT_EMPTY_PATH with "" describes dirFd. One struct layout on every architecture,
     * unlike struct stat.
     */
    public static Stat statx(int dirFd, String path, int flags) throws ErrnoException {
        Syscall.Scratch s = Syscall.scratch();
        MemorySegment buffer = s.struct(); // struct statx is 256 bytes
        long basic = 0x7ff; // STATX_BASIC_STATS
        call("statx", path, NR.statx(), dirFd, s.path1("statx", path), flags, basic, buffer.address());
        return new Stat(
                Short.toUnsignedInt(buffer.get(ValueLayout.JAVA_SHORT, 28)),
                Integer.toUnsignedLong(buffer.get(ValueLayout.JAVA_INT, 20)),
                Integer.toUnsignedLong(buffer.get(ValueLayout.JAVA_INT, 24)),
                buffer.get(ValueLayout.JAVA_LONG, 32),
                Integer.toUnsignedLong(buffer.get(ValueLayout.JAVA_INT, 16)),
                buffer.get(ValueLayout.JAVA_LONG, 40),
                buffer.get(ValueLayout.JAVA_INT, 128),
                buffer.get(ValueLayout.JAVA_INT, 132),
                buffer.get(ValueLayout.JAVA_LONG, 112),
                buffer.get(ValueLayout.JAVA_INT, 120));
    }

    /** One directory entry from getdents64: its name and d_type (DT_DIR = 4, DT_LNK = 10…). */
    public record DirectoryEntry(String name, int type) {
        public static final int DT_UNKNOWN = 0, DT_FIFO = 1, DT_CHR = 2, DT_DIR = 4, DT_BLK = 6,
                DT_REG = 8, DT_LNK = 10, DT_SOCK = 12;
    }

    /**
     * The entries of the directory open as {@code dirFd} (O_RDONLY|O_DIRECTORY, not O_PATH),
     * without "." and "..", read with getdents64(2) from the descriptor's current position.
     */
    public static List<DirectoryEntry> listDirectory(int dirFd) throws ErrnoException {
        List<DirectoryEntry> entries = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(32768, 8);
            while (true) {
                long n = call("getdents64", null, NR.getdents64(), dirFd, buffer.address(), buffer.byteSize());
                if (n == 0) {
                    return entries;
                }
                // struct linux_dirent64 { u64 d_ino; s64 d_off; u16 d_reclen; u8 d_type; char d_name[]; }
                long offset = 0;
                while (offset < n) {
                    int recordLength = Short.toUnsignedInt(buffer.get(ValueLayout.JAVA_SHORT, offset + 16));
                    int type = Byte.toUnsignedInt(buffer.get(ValueLayout.JAVA_BYTE, offset + 18));
                    String name = buffer.getString(offset + 19, StandardCharsets.UTF_8);
                    if (!name.equals(".") && !name.equals("..")) {
                        entries.add(new DirectoryEntry(name, type));
                    }
                    offset += recordLength;
                }
            }
        }
    }

    /**
     * Reads {@code fd} to its end, at most {@code limit} bytes; fails with EFBIG beyond that,
     * so a hostile file (an image's /etc/passwd, say) cannot make jrun read without end.
     */
    public static byte[] readAll(int fd, int limit) throws ErrnoException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(65536);
            while (true) {
                long n = call("read", null, NR.read(), fd, buffer.address(), buffer.byteSize());
                if (n == 0) {
                    return out.toByteArray();
                }
                if (out.size() + n > limit) {
                    throw new ErrnoException("read", null, Errno.EFBIG);
                }
                out.write(buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), 0, (int) n);
            }
        }
    }

    private static void setxattr(String call, long nr, String path, String name, byte[] value)
            throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            Syscall.Scratch s = Syscall.scratch();
            long pathAddress = s.path1(call, path);
            long nameAddress = s.path2(call, name);
            MemorySegment v = copy(arena, value);
            call(call + " " + name, path, nr, pathAddress, nameAddress, v.address(), value.length, 0);
        }
    }

    private static MemorySegment copy(Arena arena, byte[] value) {
        MemorySegment segment = arena.allocate(Math.max(1, value.length));
        MemorySegment.copy(value, 0, segment, ValueLayout.JAVA_BYTE, 0, value.length);
        return segment;
    }

    /**
     * umask(2): the calling thread's file mode creation mask (per thread once it has unshared
     * CLONE_FS, as the launch's setup thread has); returns the previous one.
     */
    public static int umask(int mask) {
        try {
            return (int) call("umask", null, NR.umask(), mask & 0777);
        } catch (ErrnoException e) {
            throw new AssertionError("umask cannot fail", e);
        }
    }
}
