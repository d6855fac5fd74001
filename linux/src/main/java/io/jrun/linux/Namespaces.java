package io.jrun.linux;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

import static io.jrun.linux.Syscall.NR;
import static io.jrun.linux.Syscall.call;

/**
 * Namespaces: unshare(2), setns(2) and the UTS names, through the raw system calls.
 *
 * <p>Kernel facts that shape every caller:
 * <ul>
 * <li>Every namespace except the user namespace belongs to the calling <em>thread</em>, not to
 *     the process: unshare on a JVM thread moves that thread only. Container setup therefore
 *     runs on a fresh, throw-away platform thread; threads it starts inherit its namespaces.</li>
 * <li>{@code unshare(CLONE_NEWNS)} implies {@code CLONE_FS} (the kernel adds it): the thread
 *     gets its own root and working directory too. {@code setns(fd, CLONE_NEWNS)} does not:
 *     it fails with EINVAL while the thread still shares its fs_struct with the other JVM
 *     threads, so call {@code unshare(CLONE_FS)} first.</li>
 * <li>{@code CLONE_NEWPID} does not move the caller: it only sets the pid namespace for the
 *     thread's future children ({@code /proc/thread-self/ns/pid_for_children}); the first
 *     process spawned becomes pid 1 there. Until that pid 1 exists, pid_for_children cannot be
 *     opened (ENOENT). And from then on the thread cannot create threads: clone(CLONE_THREAD)
 *     is EINVAL, which the JVM reports as "OutOfMemoryError: unable to create native thread";
 *     so no ProcessBuilder (its reaper is a new thread) and no lazily started pool there.</li>
 * <li>{@code CLONE_NEWUSER} fails with EINVAL in a multithreaded process: the JVM can never
 *     unshare or setns into a user namespace.</li>
 * </ul>
 */
public final class Namespaces {
    private Namespaces() {
    }

    /** Unshare the file system attributes (root, cwd, umask) from the other threads. */
    public static final int CLONE_FS = 0x00000200;
    /** A new time namespace (for children only, like CLONE_NEWPID). */
    public static final int CLONE_NEWTIME = 0x00000080;
    /** A new mount namespace; implies CLONE_FS. */
    public static final int CLONE_NEWNS = 0x00020000;
    public static final int CLONE_NEWCGROUP = 0x02000000;
    public static final int CLONE_NEWUTS = 0x04000000;
    public static final int CLONE_NEWIPC = 0x08000000;
    /** Refused in a multithreaded process (EINVAL): never usable from the JVM. */
    public static final int CLONE_NEWUSER = 0x10000000;
    /** A new pid namespace for the thread's children; the caller itself stays where it is. */
    public static final int CLONE_NEWPID = 0x20000000;
    public static final int CLONE_NEWNET = 0x40000000;

    /** unshare(2) for the calling thread with CLONE_* flags. */
    public static void unshare(int flags) throws ErrnoException {
        call("unshare", null, NR.unshare(), flags);
    }

    /**
     * setns(2): moves the calling thread into the namespace {@code fd} refers to (an open
     * {@code /proc/PID/ns/*} file or a pidfd). {@code nsType} is the CLONE_NEW* flag the
     * namespace must be, or 0 for any. For the mount namespace, call
     * {@code unshare(CLONE_FS)} first (EINVAL otherwise).
     */
    public static void setns(int fd, int nsType) throws ErrnoException {
        call("setns", null, NR.setns(), fd, nsType);
    }

    /** sethostname(2) in the calling thread's UTS namespace. */
    public static void sethostname(String name) throws ErrnoException {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        Syscall.Scratch s = Syscall.scratch();
        long address = s.cstring(Syscall.Scratch.PATH1, "sethostname", name);
        call("sethostname", name, NR.sethostname(), address, bytes.length);
    }

    /** setdomainname(2) in the calling thread's UTS namespace (the NIS domain name). */
    public static void setdomainname(String name) throws ErrnoException {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        Syscall.Scratch s = Syscall.scratch();
        long address = s.cstring(Syscall.Scratch.PATH1, "setdomainname", name);
        call("setdomainname", name, NR.setdomainname(), address, bytes.length);
    }

    /** The node name (hostname) the calling thread's UTS namespace reports, from uname(2). */
    public static String hostname() throws ErrnoException {
        // struct utsname: six char[65] fields: sysname, nodename, release, version, machine, domainname
        MemorySegment utsname = Syscall.scratch().memory.asSlice(Syscall.Scratch.PATH1, 6 * 65);
        call("uname", null, NR.uname(), utsname.address());
        return utsname.getString(65, StandardCharsets.UTF_8);
    }

    /** A namespace's identity: the inode of its {@code /proc/…/ns/*} file, as in {@code mnt:[4026531841]}. */
    public static long inode(String nsPath) throws ErrnoException {
        return FileSyscalls.statx(AtFlags.AT_FDCWD, nsPath, 0).inode();
    }
}
