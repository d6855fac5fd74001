package io.jrun.runtime;

import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.OpenFlags;
import io.jrun.linux.ResolveFlags;

import java.nio.charset.StandardCharsets;

/**
 * /etc/hostname and /etc/hosts, written into the container's upper layer (rkt style) rather
 * than bind-mounted: the image's lower layers stay untouched and nothing is left to unmount.
 */
final class EtcFiles {
    private EtcFiles() {
    }

    static void write(int rootFd, String hostname) throws ErrnoException {
        try (Fd etc = RootFs.directory(rootFd, "/etc")) {
            writeFile(etc.value(), "hostname", hostname + "\n");
            writeFile(etc.value(), "hosts", "127.0.0.1\tlocalhost " + hostname + "\n"
                    + "::1\tlocalhost ip6-localhost ip6-loopback\n");
        }
    }

    /** Replaces {@code name} in the directory {@code dirFd}; a symlink there is refused, not followed. */
    private static void writeFile(int dirFd, String name, String content) throws ErrnoException {
        try (Fd file = FileSyscalls.openat2(dirFd, name, OpenFlags.O_WRONLY | OpenFlags.O_CREAT | OpenFlags.O_TRUNC
                | OpenFlags.O_NOFOLLOW | OpenFlags.O_CLOEXEC, 0644, ResolveFlags.RESOLVE_BENEATH)) {
            FileSyscalls.write(file.value(), content.getBytes(StandardCharsets.UTF_8));
        }
    }
}
