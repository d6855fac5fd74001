package io.jrun.linux;

/**
 * An open file descriptor, closed by {@link #close()} through the close system call.
 * Not thread-safe; close it once, in the thread that owns it.
 */
public final class Fd implements AutoCloseable {
    private final int value;
    private boolean closed;

    public Fd(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("invalid file descriptor " + value);
        }
        this.value = value;
    }

    /** The descriptor number. */
    public int value() {
        return value;
    }

    @Override
    public void close() throws ErrnoException {
        if (!closed) {
            closed = true;
            // Never retry close on EINTR: the descriptor is gone either way on Linux.
            long result = Syscall.raw(Syscall.NR.close(), value, 0, 0, 0, 0, 0);
            if (result < 0 && result != -Errno.EINTR) {
                throw new ErrnoException("close", null, (int) -result);
            }
        }
    }

    /** Closes, ignoring errors: for cleanup paths where the descriptor is gone either way. */
    public void closeQuietly() {
        try {
            close();
        } catch (ErrnoException e) {
            // nothing to do
        }
    }

    @Override
    public String toString() {
        return "fd " + value + (closed ? " (closed)" : "");
    }
}
