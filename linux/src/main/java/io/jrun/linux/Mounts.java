package io.jrun.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

import static io.jrun.linux.Syscall.NR;
import static io.jrun.linux.Syscall.call;

/**
 * Mounting: the classic mount(2), umount2(2) and pivot_root(2), and the new mount API
 * (fsopen, fsconfig, fsmount, move_mount, open_tree, mount_setattr; kernel 5.12 or later for
 * all of them). All act in the calling <em>thread's</em> mount namespace: see {@link Namespaces}.
 *
 * <p>Kernel facts:
 * <ul>
 * <li>After {@code unshare(CLONE_NEWNS)} the new namespace still shares propagation with the
 *     host where "/" is shared (systemd makes it so): make it private first with
 *     {@code mount(null, "/", null, MS_REC | MS_PRIVATE, null)}, or mounts leak to the host.
 *     pivot_root also fails with EINVAL while the current or new root's parent is shared.</li>
 * <li>pivot_root(2) needs {@code newRoot} to be a mount point (EINVAL otherwise: bind-mount a
 *     directory onto itself first). {@code pivot_root(".", ".")} after a chdir into the new
 *     root, followed by {@code umount2(".", MNT_DETACH)}, needs no put_old directory.</li>
 * <li>After pivot_root the thread no longer sees the JVM's class path: load every class the
 *     thread will need <em>before</em> pivoting (a class first touched afterwards fails with
 *     NoClassDefFoundError). Other threads keep their root: only tasks whose root was the old
 *     root <em>in this mount namespace</em> are moved.</li>
 * <li>Mounting /proc for a pid namespace the caller is not in: on kernel 6.15 or later,
 *     {@code fsconfig(fd, FSCONFIG_SET_FD, "pidns", null, pidnsFd)} before
 *     {@code FSCONFIG_CMD_CREATE}; older kernels answer EINVAL (unknown key). Otherwise the
 *     context belongs to the <em>active</em> pid namespace of the task that called fsopen,
 *     which setns/unshare(CLONE_NEWPID) never change; the descriptor may then be used by
 *     another process (pidfd_getfd), and the context keeps its pid namespace.</li>
 * <li>fsconfig copies at most 255 bytes of a string value: a longer one is EINVAL. A file
 *     system without an fs_context of its own (overlayfs before 6.5) gets every key gathered
 *     into one page, unknown ones included, and rejects them only at create.</li>
 * </ul>
 */
public final class Mounts {
    private Mounts() {
    }

    // mount(2) flags (linux/mount.h)
    public static final long MS_RDONLY = 1;
    public static final long MS_NOSUID = 2;
    public static final long MS_NODEV = 4;
    public static final long MS_NOEXEC = 8;
    /** With MS_BIND or a propagation flag: change flags of an existing mount. */
    public static final long MS_REMOUNT = 32;
    public static final long MS_NOSYMFOLLOW = 256;
    public static final long MS_NOATIME = 1024;
    public static final long MS_BIND = 4096;
    public static final long MS_MOVE = 8192;
    /** Apply a bind or propagation change to the whole subtree. */
    public static final long MS_REC = 16384;
    public static final long MS_SILENT = 32768;
    public static final long MS_UNBINDABLE = 1 << 17;
    /** Propagation: receive and send no mount events. */
    public static final long MS_PRIVATE = 1 << 18;
    /** Propagation: receive mount events from the master, send none. */
    public static final long MS_SLAVE = 1 << 19;
    public static final long MS_SHARED = 1 << 20;
    public static final long MS_RELATIME = 1 << 21;
    public static final long MS_STRICTATIME = 1 << 24;

    // umount2(2) flags
    /** Detach now, clean up once the mount is no longer busy (a "lazy" unmount). */
    public static final int MNT_DETACH = 2;
    public static final int MNT_FORCE = 1;
    public static final int UMOUNT_NOFOLLOW = 8;

    // the new mount API
    public static final int FSOPEN_CLOEXEC = 1;
    public static final int FSMOUNT_CLOEXEC = 1;
    /** open_tree: a detached copy of the mount (a bind mount to attach with move_mount). */
    public static final int OPEN_TREE_CLONE = 1;
    public static final int OPEN_TREE_CLOEXEC = OpenFlags.O_CLOEXEC;
    /** open_tree, mount_setattr: the whole subtree (with OPEN_TREE_CLONE: a recursive bind). */
    public static final int AT_RECURSIVE = 0x8000;
    public static final int MOVE_MOUNT_F_SYMLINKS = 0x01;
    public static final int MOVE_MOUNT_F_AUTOMOUNTS = 0x02;
    /** move_mount: an empty from-path means the from-fd itself (an fsmount or open_tree fd). */
    public static final int MOVE_MOUNT_F_EMPTY_PATH = 0x04;
    public static final int MOVE_MOUNT_T_SYMLINKS = 0x10;
    public static final int MOVE_MOUNT_T_AUTOMOUNTS = 0x20;
    public static final int MOVE_MOUNT_T_EMPTY_PATH = 0x40;

    // fsconfig commands
    public static final int FSCONFIG_SET_FLAG = 0;
    public static final int FSCONFIG_SET_STRING = 1;
    public static final int FSCONFIG_SET_BINARY = 2;
    public static final int FSCONFIG_SET_PATH = 3;
    public static final int FSCONFIG_SET_PATH_EMPTY = 4;
    public static final int FSCONFIG_SET_FD = 5;
    public static final int FSCONFIG_CMD_CREATE = 6;
    public static final int FSCONFIG_CMD_RECONFIGURE = 7;

    // MOUNT_ATTR_* for fsmount's attr_flags and mount_setattr's struct mount_attr
    public static final long MOUNT_ATTR_RDONLY = 0x01;
    public static final long MOUNT_ATTR_NOSUID = 0x02;
    public static final long MOUNT_ATTR_NODEV = 0x04;
    public static final long MOUNT_ATTR_NOEXEC = 0x08;
    /** The atime field: clear it (attr_clr) when setting one of the three below. */
    public static final long MOUNT_ATTR__ATIME = 0x70;
    public static final long MOUNT_ATTR_RELATIME = 0x00;
    public static final long MOUNT_ATTR_NOATIME = 0x10;
    public static final long MOUNT_ATTR_STRICTATIME = 0x20;
    public static final long MOUNT_ATTR_NODIRATIME = 0x80;
    public static final long MOUNT_ATTR_IDMAP = 0x00100000;
    public static final long MOUNT_ATTR_NOSYMFOLLOW = 0x00200000;

    /**
     * mount(2). Null source, file system type or data pass NULL, as a propagation change
     * ({@code mount(null, "/", null, MS_REC | MS_PRIVATE, null)}) or a remount needs.
     */
    public static void mount(String source, String target, String fsType, long flags, String data)
            throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            call("mount", target, NR.mount(),
                    Syscall.Scratch.cstring(arena, "mount", source),
                    Syscall.scratch().path1("mount", target),
                    Syscall.Scratch.cstring(arena, "mount", fsType),
                    flags,
                    Syscall.Scratch.cstring(arena, "mount", data));
        }
    }

    /** umount2(2) with MNT_* flags; MNT_DETACH for a lazy unmount. */
    public static void umount2(String target, int flags) throws ErrnoException {
        call("umount2", target, NR.umount2(), Syscall.scratch().path1("umount2", target), flags);
    }

    /**
     * pivot_root(2) for the calling thread's mount namespace: {@code newRoot} becomes "/", the
     * old root moves to {@code putOld} (which must be at or under newRoot). Load every class the
     * thread still needs first: see the class comment.
     */
    public static void pivotRoot(String newRoot, String putOld) throws ErrnoException {
        Syscall.Scratch s = Syscall.scratch();
        long oldAddress = s.path2("pivot_root", putOld);
        call("pivot_root", newRoot, NR.pivot_root(), s.path1("pivot_root", newRoot), oldAddress);
    }

    /**
     * chroot(2): the calling thread's root becomes {@code path} (its own root after
     * unshare(CLONE_FS); the whole process's otherwise). Needs CAP_SYS_CHROOT. Unlike
     * pivot_root it changes no mount, and the working directory stays where it is: chdir after.
     * The thread cannot load classes afterwards, as after pivot_root.
     */
    public static void chroot(String path) throws ErrnoException {
        call("chroot", path, NR.chroot(), Syscall.scratch().path1("chroot", path));
    }

    /** chdir(2) for the calling thread (its own after unshare(CLONE_FS); the process's otherwise). */
    public static void chdir(String path) throws ErrnoException {
        call("chdir", path, NR.chdir(), Syscall.scratch().path1("chdir", path));
    }

    /** fchdir(2), see {@link #chdir}. */
    public static void fchdir(int fd) throws ErrnoException {
        call("fchdir", null, NR.fchdir(), fd);
    }

    /** fsopen(2): a file system context for {@code fsType} ("tmpfs", "overlay", "proc"…). */
    public static Fd fsopen(String fsType, int flags) throws ErrnoException {
        return new Fd((int) call("fsopen", fsType, NR.fsopen(), Syscall.scratch().path1("fsopen", fsType), flags));
    }

    /** fsconfig(FSCONFIG_SET_FLAG): a parameter without a value, e.g. "ro". */
    public static void fsconfigFlag(int fsFd, String key) throws ErrnoException {
        fsconfig(fsFd, FSCONFIG_SET_FLAG, key, null, 0);
    }

    /** fsconfig(FSCONFIG_SET_STRING): e.g. ("size", "64m") or ("lowerdir+", "/layer"). */
    public static void fsconfigString(int fsFd, String key, String value) throws ErrnoException {
        fsconfig(fsFd, FSCONFIG_SET_STRING, key, value, 0);
    }

    /**
     * fsconfig(FSCONFIG_SET_FD): a parameter given as an open file descriptor, e.g.
     * ("pidns", fd of /proc/PID/ns/pid) for a /proc of another pid namespace (kernel 6.15+).
     */
    public static void fsconfigFd(int fsFd, String key, int valueFd) throws ErrnoException {
        fsconfig(fsFd, FSCONFIG_SET_FD, key, null, valueFd);
    }

    /** fsconfig(FSCONFIG_SET_PATH): a parameter naming a path relative to {@code dirFd}. */
    public static void fsconfigPath(int fsFd, String key, int dirFd, String path) throws ErrnoException {
        fsconfig(fsFd, FSCONFIG_SET_PATH, key, path, dirFd);
    }

    /** fsconfig(FSCONFIG_CMD_CREATE): creates the superblock from the parameters set so far. */
    public static void fsconfigCreate(int fsFd) throws ErrnoException {
        fsconfig(fsFd, FSCONFIG_CMD_CREATE, null, null, 0);
    }

    /**
     * fsconfig(2). On failure the kernel often leaves a reason in the context's message log
     * ("e tmpfs: Bad value for 'size'"): it is read and appended to the exception's call name.
     */
    public static void fsconfig(int fsFd, int command, String key, String value, int aux) throws ErrnoException {
        long result;
        try (Arena arena = Arena.ofConfined()) {
            result = Syscall.raw(NR.fsconfig(), fsFd, command,
                    Syscall.Scratch.cstring(arena, "fsconfig", key),
                    Syscall.Scratch.cstring(arena, "fsconfig", value), aux, 0);
        }
        if (result < 0) {
            String what = "fsconfig " + (key != null ? key : command == FSCONFIG_CMD_CREATE ? "create" : "command " + command);
            String log = kernelMessages(fsFd);
            throw new ErrnoException(log.isEmpty() ? what : what + " [" + log + "]",
                    value, (int) -result);
        }
    }

    /** The messages the kernel logged on an fs context fd ("e …", "w …", "i …"), joined by "; ". */
    static String kernelMessages(int fsFd) {
        StringBuilder messages = new StringBuilder();
        MemorySegment buffer = Syscall.scratch().memory.asSlice(Syscall.Scratch.PATH2, 1024);
        for (int i = 0; i < 8; i++) { // the log holds at most 8 messages
            long n = Syscall.raw(NR.read(), fsFd, buffer.address(), buffer.byteSize(), 0, 0, 0);
            if (n <= 0) {
                break; // ENODATA: the log is empty
            }
            if (!messages.isEmpty()) {
                messages.append("; ");
            }
            messages.append(new String(buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8).strip());
        }
        return messages.toString();
    }

    /** fsmount(2): a detached mount of the created superblock; MOUNT_ATTR_* in attrFlags. */
    public static Fd fsmount(int fsFd, int flags, long attrFlags) throws ErrnoException {
        return new Fd((int) call("fsmount", null, NR.fsmount(), fsFd, flags, attrFlags));
    }

    /**
     * move_mount(2): attaches (or moves) the mount at fromDirFd/fromPath onto
     * toDirFd/toPath. For an fsmount or open_tree fd: ({@code fd}, "", AT_FDCWD, target,
     * MOVE_MOUNT_F_EMPTY_PATH).
     */
    public static void moveMount(int fromDirFd, String fromPath, int toDirFd, String toPath, int flags)
            throws ErrnoException {
        Syscall.Scratch s = Syscall.scratch();
        long fromAddress = s.path2("move_mount", fromPath);
        call("move_mount", toPath, NR.move_mount(), fromDirFd, fromAddress, toDirFd,
                s.path1("move_mount", toPath), flags);
    }

    /**
     * open_tree(2): with OPEN_TREE_CLONE (and AT_RECURSIVE for a whole subtree) a detached
     * bind mount of dirFd/path, to attach with move_mount; without it an O_PATH-like fd.
     */
    public static Fd openTree(int dirFd, String path, int flags) throws ErrnoException {
        return new Fd((int) call("open_tree", path, NR.open_tree(), dirFd, Syscall.scratch().path1("open_tree", path), flags));
    }

    /**
     * mount_setattr(2): sets and clears MOUNT_ATTR_* on the mount at dirFd/path (AT_RECURSIVE
     * for its subtree, AT_EMPTY_PATH with "" for a mount fd) and optionally changes its
     * propagation (MS_PRIVATE, MS_SLAVE, MS_SHARED, MS_UNBINDABLE; 0 leaves it).
     */
    public static void mountSetattr(int dirFd, String path, int atFlags, long attrSet, long attrClear, long propagation)
            throws ErrnoException {
        Syscall.Scratch s = Syscall.scratch();
        MemorySegment attr = s.struct(); // struct mount_attr { u64 attr_set, attr_clr, propagation, userns_fd; }
        attr.set(ValueLayout.JAVA_LONG, 0, attrSet);
        attr.set(ValueLayout.JAVA_LONG, 8, attrClear);
        attr.set(ValueLayout.JAVA_LONG, 16, propagation);
        attr.set(ValueLayout.JAVA_LONG, 24, 0);
        call("mount_setattr", path, NR.mount_setattr(), dirFd, s.path1("mount_setattr", path), atFlags,
                attr.address(), 32);
    }
}
