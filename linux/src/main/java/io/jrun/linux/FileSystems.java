package io.jrun.linux;

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
}
