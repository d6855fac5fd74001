package io.jrun.linux;

/** {@code RESOLVE_*} flags for openat2's {@code struct open_how}: how a path may be resolved. */
public final class ResolveFlags {
    private ResolveFlags() {
    }

    /** Refuse to cross a mount point (bind mounts included): EXDEV. */
    public static final long RESOLVE_NO_XDEV = 0x01;
    /** Refuse /proc/self/fd-style "magic links": ELOOP. */
    public static final long RESOLVE_NO_MAGICLINKS = 0x02;
    /** Refuse every symlink (implies RESOLVE_NO_MAGICLINKS): ELOOP. */
    public static final long RESOLVE_NO_SYMLINKS = 0x04;
    /**
     * Every step must stay beneath dirfd: {@code ..} above it, absolute paths and absolute
     * symlinks all fail with EXDEV, even those that would land back inside.
     */
    public static final long RESOLVE_BENEATH = 0x08;
    /** Treat dirfd as the root: {@code /} and {@code ..} are clamped to it, as in a chroot. */
    public static final long RESOLVE_IN_ROOT = 0x10;
    /** Only succeed if the path is in the dcache: EAGAIN otherwise. */
    public static final long RESOLVE_CACHED = 0x20;
}
