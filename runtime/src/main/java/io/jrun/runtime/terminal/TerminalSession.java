package io.jrun.runtime.terminal;

import io.jrun.linux.ErrnoException;
import io.jrun.linux.EventFd;
import io.jrun.linux.Fd;
import io.jrun.linux.WindowSize;
import io.jrun.runtime.launch.ContainerTerminal;
import io.jrun.runtime.launch.RunningContainer;
import io.jrun.runtime.launch.Stdio;

import java.io.IOException;

/**
 * The user's terminal attached to a container's terminal, as {@code docker run -t} and
 * {@code -it} do in the foreground. The whole API for the {@code jrun run} command:
 *
 * <pre>{@code
 * HostTerminal host = HostTerminal.standard();                    // jrun's stdin and stdout
 * // docker refuses -i -t when stdin is not a terminal: "the input device is not a TTY" (125)
 * ContainerSpec spec = new ContainerSpec(..., Stdio.terminal(host.windowSize()));
 * RunningContainer container = Launcher.start(spec);
 * try (TerminalSession session = TerminalSession.attach(container, host, interactive)) {
 *     int exitCode = session.awaitExit();   // the container's code, once its output is all out
 * }
 * }</pre>
 *
 * <p>What a session does, from {@link #attach} on:
 * <ul>
 * <li><b>Raw mode</b>, only when {@code interactive} and the host input is a terminal (docker
 *     does the same: {@code -t} alone leaves the user's terminal cooked, so Ctrl-C there is a
 *     SIGINT for jrun to forward). The terminal's own modes come back on every way out; see
 *     {@link RawMode}.</li>
 * <li><b>Output</b>: a relay thread copies the container terminal's master to the host output.
 *     The container terminal does the output processing (NL to CR NL), so the bytes are
 *     passed on as they are.</li>
 * <li><b>Input</b>, only when {@code interactive}: a second relay copies the host input to
 *     the master; the container terminal echoes and edits lines. Without {@code -i} nothing
 *     is written to the master, so, as with docker, the app's reads of its terminal wait for
 *     input that never comes (they do not see end-of-file). At end-of-file on a host input
 *     that is not a terminal the relay stops: a terminal has no end-of-file to pass on.</li>
 * <li><b>Size</b>: the host terminal's size is copied onto the container's at attach and on
 *     every SIGWINCH; the kernel then signals the container's foreground process group.</li>
 * </ul>
 *
 * <p>{@link #awaitExit} returns once the container's pid 1 has ended and the output is drained:
 * reading the master fails with EIO after the last byte once no process holds the slave (when
 * pid 1 ends, the kernel kills the rest of its pid namespace). {@link #close} stops the relays,
 * restores the host terminal and closes the master; it does not stop the container, but its
 * terminal is hung up. The host descriptors are never closed.
 *
 * <p>Threads: call {@code attach} from an untransformed thread, e.g. the CLI's main thread. The
 * relay threads are platform threads started by {@code attach} and inherit the caller's
 * namespaces, root and credentials (DEVELOPERS.md); a container's setup thread would give them
 * the container's. They are daemon threads, started per session; there is no pool.
 */
public final class TerminalSession implements AutoCloseable {
    private final RunningContainer container;
    private final ContainerTerminal terminal;
    private final HostTerminal host;
    private final Fd wake;
    private RawMode rawMode;           // null unless interactive on a terminal
    private AutoCloseable sizeWatch;   // null unless the host has a terminal
    private Relay output;
    private Relay input;               // null unless interactive
    private boolean closed;            // guarded by this

    private TerminalSession(RunningContainer container, ContainerTerminal terminal, HostTerminal host, Fd wake) {
        this.container = container;
        this.terminal = terminal;
        this.host = host;
        this.wake = wake;
    }

    /** {@link #attach(RunningContainer, HostTerminal, boolean)} with jrun's stdin and stdout. */
    public static TerminalSession attach(RunningContainer container, boolean interactive) throws IOException {
        return attach(container, HostTerminal.standard(), interactive);
    }

    /**
     * Attaches {@code host} to the container's terminal and takes the terminal over: the
     * session closes it, so a container is attached once (IllegalStateException afterwards).
     * The container must have been started with {@link Stdio#terminal} (IllegalArgumentException
     * otherwise). When attaching fails, the host terminal is as it was and the container's
     * terminal is closed.
     */
    public static TerminalSession attach(RunningContainer container, HostTerminal host, boolean interactive)
            throws IOException {
        ContainerTerminal terminal = container.terminal().orElseThrow(() -> new IllegalArgumentException(
                "the container has no terminal: start it with Stdio.terminal(…)"));
        if (terminal.isClosed()) {
            throw new IllegalStateException("the container's terminal was closed by an earlier session: attach once");
        }
        TerminalSession session;
        try {
            session = new TerminalSession(container, terminal, host, EventFd.create());
        } catch (ErrnoException | RuntimeException e) {
            terminal.close();
            throw e;
        }
        try {
            session.start(interactive);
            return session;
        } catch (IOException | RuntimeException | Error e) {
            session.close();
            throw e;
        }
    }

    private void start(boolean interactive) throws ErrnoException {
        if (interactive && host.inputIsTerminal()) {
            rawMode = RawMode.enter(host.input());
        }
        if (host.hasTerminal()) {
            sizeWatch = WindowChanges.subscribe(this::followHostSize);
            followHostSize(); // it may have changed since the launch
        }
        output = Relay.start("jrun-terminal-output", terminal.fd(), host.output(), wake.value(), Relay.OnWriteFailure.DRAIN);
        if (interactive) {
            input = Relay.start("jrun-terminal-input", host.input(), terminal.fd(), wake.value(), Relay.OnWriteFailure.STOP);
        }
    }

    /** Copies the host terminal's size onto the container's (on attach, and on SIGWINCH). */
    private synchronized void followHostSize() {
        if (closed) {
            return; // the master may be closed: never touch a descriptor number that may be reused
        }
        WindowSize size = host.windowSize();
        if (!size.equals(WindowSize.UNSET)) {
            try {
                terminal.resize(size);
            } catch (ErrnoException e) {
                // the container's terminal is gone; the output relay sees its end
            }
        }
    }

    /**
     * Waits until the container has ended and all its output has reached the host, then closes
     * the session (host terminal restored) and returns the container's exit code: its own, or
     * 128 + N when signal N killed it. Throws when relaying failed in an unexpected way (the
     * container has been reaped all the same).
     */
    public int awaitExit() throws IOException, InterruptedException {
        output.join();
        int exitCode = container.waitForExit();
        close();
        for (Relay relay : new Relay[] {output, input}) {
            if (relay != null && relay.failure() != null) {
                throw new IOException("the terminal relay failed: " + relay.failure().getMessage(), relay.failure());
            }
        }
        return exitCode;
    }

    /**
     * Stops relaying, restores the host terminal and closes the container's terminal. Safe to
     * call again, and from any thread.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            EventFd.signal(wake.value());
        } catch (ErrnoException e) {
            throw new IllegalStateException("cannot stop the terminal relays: " + e.getMessage(), e);
        }
        for (Relay relay : new Relay[] {output, input}) {
            if (relay != null) {
                relay.joinUninterruptibly();
            }
        }
        if (sizeWatch != null) {
            try {
                sizeWatch.close();
            } catch (Exception e) {
                throw new AssertionError("removing a listener cannot fail", e);
            }
        }
        if (rawMode != null) {
            rawMode.close();
        }
        closeQuietly(terminal);
        closeQuietly(wake);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // close(2) releases the descriptor even when it reports an error
        }
    }
}
