package io.jrun.linux;

import java.io.IOException;

/**
 * A system call failed. Carries the errno and reads as one line, e.g.
 * {@code openat2 "etc/passwd": No such file or directory (ENOENT)}.
 */
public final class ErrnoException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final String path;
    private final int errno;

    public ErrnoException(String call, String path, int errno) {
        super(call + (path == null ? "" : " \"" + path + "\"") + ": " + Errno.message(errno)
                + " (" + Errno.name(errno) + ")");
        this.call = call;
        this.path = path;
        this.errno = errno;
    }

    /** The failing call's name, e.g. {@code openat2}. */
    public String call() {
        return call;
    }

    /** The path the call was given, or null when it took none. */
    public String path() {
        return path;
    }

    public int errno() {
        return errno;
    }

    /** The symbolic name, e.g. {@code ENOENT}. */
    public String errnoName() {
        return Errno.name(errno);
    }
}
