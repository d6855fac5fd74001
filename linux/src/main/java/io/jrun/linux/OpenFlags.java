package io.jrun.linux;

/**
 * {@code O_*} flags for openat and openat2. Careful: O_DIRECTORY and O_NOFOLLOW have
 * different values on aarch64 than on x86_64 (arm64's uapi fcntl.h), so they are chosen
 * at class initialisation from the running architecture.
 */
public final class OpenFlags {
    private OpenFlags() {
    }

    private static final boolean ARM64 = Syscall.NR == SyscallNumbers.AARCH64;

    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 01;
    public static final int O_RDWR = 02;
    public static final int O_CREAT = 0100;
    /** With O_CREAT: fail with EEXIST if the name exists, and never follow a symlink there. */
    public static final int O_EXCL = 0200;
    public static final int O_NOCTTY = 0400;
    public static final int O_TRUNC = 01000;
    public static final int O_APPEND = 02000;
    public static final int O_NONBLOCK = 04000;
    public static final int O_DIRECTORY = ARM64 ? 040000 : 0200000;
    /** Fail with ELOOP if the final component is a symlink. */
    public static final int O_NOFOLLOW = ARM64 ? 0100000 : 0400000;
    public static final int O_CLOEXEC = 02000000;
    /** A handle for path operations only: no read/write, but usable as an *at dirfd. */
    public static final int O_PATH = 010000000;
}
