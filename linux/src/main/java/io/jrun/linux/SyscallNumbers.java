package io.jrun.linux;

/**
 * System call numbers for the architectures jrun runs on. x86_64 has its own historic table;
 * aarch64 uses the kernel's generic table (asm-generic/unistd.h), which lacks the old
 * non-{@code at} calls, which is why every path call here is an {@code *at} call.
 */
record SyscallNumbers(
        long read, long write, long close, long ioctl, long getuid, long fsync, long syncfs,
        long openat, long openat2, long mkdirat, long mknodat, long fchownat, long fchown,
        long fchmod, long fchmodat, long unlinkat, long renameat2, long linkat, long symlinkat,
        long readlinkat, long utimensat, long setxattr, long lsetxattr, long fsetxattr,
        long getxattr, long lgetxattr, long fgetxattr, long statx, long getdents64,
        // the launch path: namespaces, mounts, credentials, capabilities, processes
        long chdir, long fchdir, long unshare, long setns, long sethostname, long uname,
        long mount, long umount2, long pivot_root, long fsopen, long fsconfig, long fsmount,
        long move_mount, long open_tree, long mount_setattr,
        long capget, long capset, long prctl, long setresuid, long setresgid, long setgroups,
        long getpid, long gettid, long kill, long wait4, long waitid, long pidfd_open,
        long pidfd_send_signal, long flock,
        // the /proc helper of kernels before 6.15
        long pipe2, long pidfd_getfd,
        // terminals: waiting on several descriptors, and a descriptor to wake such a wait
        long ppoll, long eventfd2,
        // the seccomp filter
        long seccomp,
        // jrun enter: the app's root
        long chroot,
        // sd_notify: a datagram to systemd's NOTIFY_SOCKET
        long socket, long sendto,
        // the OCI runtime: the UTS domain name, rlimits of the gated app, umask, the console socket
        long setdomainname, long prlimit64, long umask, long connect, long sendmsg,
        // the pod's device program (cgroup v2)
        long bpf) {

    static final SyscallNumbers X86_64 = new SyscallNumbers(
            0, 1, 3, 16, 102, 74, 306,
            257, 437, 258, 259, 260, 93,
            91, 268, 263, 316, 265, 266,
            267, 280, 188, 189, 190,
            191, 192, 193, 332, 217,
            80, 81, 272, 308, 170, 63,
            165, 166, 155, 430, 431, 432,
            429, 428, 442,
            125, 126, 157, 117, 119, 116,
            39, 186, 62, 61, 247, 434,
            424, 73,
            293, 438,
            271, 290,
            317,
            161,
            41, 44,
            171, 302, 95, 42, 46,
            321);

    static final SyscallNumbers AARCH64 = new SyscallNumbers(
            63, 64, 57, 29, 174, 82, 267,
            56, 437, 34, 33, 54, 55,
            52, 53, 35, 276, 37, 36,
            78, 88, 5, 6, 7,
            8, 9, 10, 291, 61,
            49, 50, 97, 268, 161, 160,
            40, 39, 41, 430, 431, 432,
            429, 428, 442,
            90, 91, 167, 147, 149, 159,
            172, 178, 129, 260, 95, 434,
            424, 32,
            59, 438,
            73, 19,
            277,
            51,
            198, 206,
            162, 261, 166, 203, 211,
            280);

    /** The table for the running JVM's architecture; fails with one clear line elsewhere. */
    static SyscallNumbers forThisMachine() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "amd64", "x86_64" -> X86_64;
            case "aarch64", "arm64" -> AARCH64;
            default -> throw new UnsupportedOperationException(
                    "unsupported CPU architecture '" + arch + "': jrun runs on x86_64 and aarch64");
        };
    }
}
