package io.jrun.runtime.terminal;

import io.jrun.linux.ErrnoException;
import io.jrun.linux.Termios;
import io.jrun.linux.Terminals;

/**
 * The user's terminal in raw mode (cfmakeraw) for as long as a session is attached, and its own
 * modes back on every way out: {@link #close()} on the normal path and on exceptions, and a
 * shutdown hook when the JVM exits first (System.exit, or SIGTERM, SIGINT, SIGHUP, which make
 * the JVM run its shutdown hooks). A SIGKILL leaves the terminal raw, as it does for any
 * program; {@code stty sane} or {@code reset} repairs it.
 *
 * <p>In raw mode the terminal sends every key as typed: Ctrl-C is byte 3 for the container's
 * own terminal to turn into SIGINT, not a signal to jrun.
 */
final class RawMode implements AutoCloseable {
    private final int fd;
    private final Termios saved;
    private final Thread shutdownHook;
    private boolean restored; // guarded by this

    private RawMode(int fd, Termios saved) {
        this.fd = fd;
        this.saved = saved;
        // Created here, on the attaching thread; the JVM starts it at shutdown only.
        this.shutdownHook = Thread.ofPlatform().name("jrun-terminal-restore").unstarted(this::restore);
    }

    /** Saves the terminal's modes, registers their restoration at JVM exit, then makes it raw. */
    static RawMode enter(int fd) throws ErrnoException {
        RawMode mode = new RawMode(fd, Terminals.attributes(fd));
        Runtime.getRuntime().addShutdownHook(mode.shutdownHook);
        try {
            Terminals.setAttributes(fd, mode.saved.raw());
        } catch (ErrnoException | RuntimeException e) {
            mode.close();
            throw e;
        }
        return mode;
    }

    /** The modes the terminal had, which it gets back. */
    Termios saved() {
        return saved;
    }

    /** Puts the saved modes back, once; a terminal that is gone (EIO, EBADF) is left alone. */
    private synchronized void restore() {
        if (!restored) {
            restored = true;
            try {
                Terminals.setAttributes(fd, saved);
            } catch (ErrnoException e) {
                // the user's terminal has gone away (hung up): nothing left to repair
            }
        }
    }

    @Override
    public void close() {
        restore();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs (restore is idempotent)
        }
    }
}
