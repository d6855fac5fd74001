package io.jrun.nativetests.terminal;

import io.jrun.linux.AtFlags;
import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.OpenFlags;
import io.jrun.linux.PseudoTerminals;
import io.jrun.linux.Terminals;
import io.jrun.linux.WindowSize;
import io.jrun.runtime.terminal.HostTerminal;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The user's terminal, played by the test as a terminal emulator does: it holds the master of a
 * pseudo-terminal pair of the host's devpts, and the slave is what jrun gets as its stdin and
 * stdout. Everything written to the slave is collected by a reader thread; keys are typed by
 * writing to the master; a resize is TIOCSWINSZ on the master.
 */
final class UserTerminal implements AutoCloseable {
    /** A bound for waiting on output, against hangs only: a test never asserts a duration. */
    private static final long PATIENCE_MILLIS = 60_000;

    private final Fd master;
    private final Fd slave;
    private final StringBuilder screen = new StringBuilder(); // guarded by itself
    private final Thread reader;

    private UserTerminal(Fd master, Fd slave) {
        this.master = master;
        this.slave = slave;
        this.reader = Thread.ofPlatform().name("user-terminal-reader").daemon(true).start(this::collect);
    }

    static UserTerminal open(WindowSize size) throws ErrnoException {
        Fd master = PseudoTerminals.openMaster(AtFlags.AT_FDCWD, "/dev/ptmx");
        Fd slave = FileSyscalls.openat(AtFlags.AT_FDCWD, "/dev/pts/" + PseudoTerminals.number(master.value()),
                OpenFlags.O_RDWR | OpenFlags.O_NOCTTY | OpenFlags.O_CLOEXEC, 0);
        Terminals.setWindowSize(master.value(), size);
        return new UserTerminal(master, slave);
    }

    /** jrun's side: the slave as its stdin and stdout. */
    HostTerminal host() {
        return new HostTerminal(slave.value(), slave.value());
    }

    int slaveFd() {
        return slave.value();
    }

    /** The slave's path, e.g. to make it another process's stdin. */
    String slavePath() throws ErrnoException {
        return "/dev/pts/" + PseudoTerminals.number(master.value());
    }

    private void collect() {
        byte[] buffer = new byte[4096];
        while (true) {
            int n;
            try {
                n = FileSyscalls.read(master.value(), buffer, 0, buffer.length);
            } catch (ErrnoException e) {
                return; // EIO: the slave is closed
            }
            if (n == 0) {
                return;
            }
            synchronized (screen) {
                screen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                screen.notifyAll();
            }
        }
    }

    /** Presses keys: bytes into the master, as the emulator sends them (Enter is CR). */
    void type(String keys) throws ErrnoException {
        FileSyscalls.write(master.value(), keys.getBytes(StandardCharsets.UTF_8));
    }

    /** The user resizes the window. */
    void resize(WindowSize size) throws ErrnoException {
        Terminals.setWindowSize(master.value(), size);
    }

    /** Everything shown so far. */
    String screen() {
        synchronized (screen) {
            return screen.toString();
        }
    }

    /** Waits until the screen contains {@code text}; fails after a long bound, showing the screen. */
    String awaitScreen(String text) throws InterruptedException {
        long deadline = System.currentTimeMillis() + PATIENCE_MILLIS;
        synchronized (screen) {
            while (screen.indexOf(text) < 0 && System.currentTimeMillis() < deadline) {
                screen.wait(1000);
            }
            assertThat(screen.toString()).as("the user's terminal").contains(text);
            return screen.toString();
        }
    }

    @Override
    public void close() throws Exception {
        slave.close();
        reader.join(); // it ends with EIO once the slave is closed
        master.close();
    }
}
