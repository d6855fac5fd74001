package io.jrun.runtime;

import io.jrun.linux.AtFlags;
import io.jrun.linux.Errno;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.FileTypes;
import io.jrun.linux.Stat;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.OpenFlags;
import io.jrun.linux.ResolveFlags;

import java.nio.charset.StandardCharsets;

/**
 * /etc/hostname, /etc/hosts and /etc/resolv.conf, written into the container's upper layer (rkt style) rather
 * than bind-mounted: the image's lower layers stay untouched and nothing is left to unmount.
 */
final class EtcFiles {
    private EtcFiles() {
    }

    /** {@code resolvConf} null keeps the image's /etc/resolv.conf. */
    static void write(int rootFd, String hostname, String resolvConf) throws ErrnoException {
        try (Fd etc = RootFs.directory(rootFd, "/etc")) {
            if (resolvConf != null) {
                writeFile(etc.value(), "resolv.conf", resolvConf);
            }
            writeFile(etc.value(), "hostname", hostname + "\n");
            writeFile(etc.value(), "hosts", "127.0.0.1\tlocalhost " + hostname + "\n"
                    + "::1\tlocalhost ip6-localhost ip6-loopback\n");
        }
    }

    /**
     * Replaces {@code name} in the directory {@code dirFd}. A symlink there (images that point
     * /etc/resolv.conf at systemd-resolved's stub, say) is replaced by the file, never followed.
     */
    private static void writeFile(int dirFd, String name, String content) throws ErrnoException {
        try {
            Stat stat = FileSyscalls.statx(dirFd, name, AtFlags.AT_SYMLINK_NOFOLLOW);
            if (!FileTypes.isRegular(stat.mode())) {
                FileSyscalls.unlinkat(dirFd, name, FileTypes.isDirectory(stat.mode()) ? AtFlags.AT_REMOVEDIR : 0);
            }
        } catch (ErrnoException e) {
            if (e.errno() != Errno.ENOENT) {
                throw e;
            }
        }
        try (Fd file = FileSyscalls.openat2(dirFd, name, OpenFlags.O_WRONLY | OpenFlags.O_CREAT | OpenFlags.O_TRUNC
                | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC, 0644, ResolveFlags.RESOLVE_BENEATH)) {
            FileSyscalls.write(file.value(), content.getBytes(StandardCharsets.UTF_8));
        }
    }
}
