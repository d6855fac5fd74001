package io.jrun.runtime.launch;

import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.Processes;

import java.util.Optional;

/**
 * A started container: its pid 1, as the host sees it; or, from {@link Pods#enter}, a process
 * started in a running container. The caller must {@link #waitForExit()} (that reaps it);
 * signals go through a pidfd, so they can never hit a recycled pid. A process started with
 * process.terminal also has its {@link #terminal()}.
 */
public final class RunningContainer {
    private final long pid;
    private final Fd pidfd;
    private final ContainerTerminal terminal; // null without process.terminal
    private final Object lock = new Object();
    private final Object waiting = new Object(); // one wait4 at a time: a second would see ECHILD
    private Processes.ExitStatus exitStatus; // guarded by lock; set once reaped

    RunningContainer(long pid, Fd pidfd, ContainerTerminal terminal) {
        this.pid = pid;
        this.pidfd = pidfd;
        this.terminal = terminal;
    }

    /** The process id in the host's pid namespace (the app's is 1 inside the container). */
    public long pid() {
        return pid;
    }

    /**
     * The master of the app's terminal, when it was started with process.terminal. It is
     * not closed with the container: whoever attaches to it closes it, e.g. a
     * {@link io.jrun.runtime.terminal.TerminalSession}.
     */
    public Optional<ContainerTerminal> terminal() {
        return Optional.ofNullable(terminal);
    }

    /**
     * Sends {@code signal} to the app. Careful, a kernel rule: pid 1 of a pid namespace only
     * receives the signals it has a handler for, except SIGKILL (and SIGSTOP); so a SIGTERM to
     * an app that does not handle it is dropped, as with docker. Does nothing once reaped.
     */
    public void signal(int signal) throws ErrnoException {
        synchronized (lock) {
            if (exitStatus == null) {
                Processes.pidfdSendSignal(pidfd.value(), signal);
            }
        }
    }

    /**
     * Waits for the app to end and reaps it; returns its exit code, or 128 + N when signal N
     * killed it. When pid 1 ends, the kernel kills the rest of the container's pid namespace,
     * and its mounts go with the last process in its mount namespace. Safe to call again.
     */
    public int waitForExit() throws ErrnoException {
        return waitForExitStatus().shellCode();
    }

    /** As {@link #waitForExit()}, telling an exit code from a killing signal. */
    public Processes.ExitStatus waitForExitStatus() throws ErrnoException {
        synchronized (waiting) {
            synchronized (lock) {
                if (exitStatus != null) {
                    return exitStatus;
                }
            }
            Processes.ExitStatus status = Processes.wait4(pid, 0);
            synchronized (lock) {
                exitStatus = status;
                pidfd.close();
                return status;
            }
        }
    }
}
