package io.jrun.runtime.launch;

import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.Terminals;
import io.jrun.linux.WindowSize;

/**
 * jrun's side of a container's terminal: the master of the app's {@code /dev/pts/0}. What is
 * written to it is the app's keyboard input; what the app writes comes out of it, after the
 * container terminal's own output processing (NL becomes CR NL). Once no process of the
 * container holds the terminal any more, reading the master fails with EIO after the last
 * output: the end of the app's output. See {@link io.jrun.runtime.terminal.TerminalSession},
 * which relays it to the user's terminal.
 *
 * <p>Whoever takes it closes it; closing it while the app runs hangs its terminal up (SIGHUP to
 * its session).
 */
public final class ContainerTerminal implements AutoCloseable {
    private final Fd master;
    private volatile boolean closed;

    ContainerTerminal(Fd master) {
        this.master = master;
    }

    /**
     * The master's descriptor number, valid until {@link #close()}; afterwards an
     * IllegalStateException, never a number that may have been reused for another file.
     */
    public int fd() {
        if (closed) {
            throw new IllegalStateException("the container's terminal is closed");
        }
        return master.value();
    }

    /** Whether it has been closed (by a session that had it, or by its owner). */
    public boolean isClosed() {
        return closed;
    }

    /** The terminal's size, as the app sees it. */
    public WindowSize windowSize() throws ErrnoException {
        return Terminals.windowSize(fd());
    }

    /**
     * Resizes the terminal; if the size changed, the kernel sends SIGWINCH to the app's
     * foreground process group.
     */
    public void resize(WindowSize size) throws ErrnoException {
        Terminals.setWindowSize(fd(), size);
    }

    @Override
    public synchronized void close() throws ErrnoException {
        closed = true;
        master.close();
    }
}
