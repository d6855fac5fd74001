package io.jrun.runtime.launch;

import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.Processes;
import io.jrun.runtime.cgroup.PodCgroup;
import io.jrun.runtime.spec.Spec;
import io.jrun.runtime.spec.State;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A container whose app waits in its gate, fully set up: namespaces, root, cgroup, /proc,
 * identity and seccomp filter are in place, and nothing of the app has run.
 * {@link #start()} lets it run; {@link #destroy()} kills it unrun.
 *
 * <p>The process that created it can also leave without either (what {@code jrun-oci create}
 * does, for conmon): the app then waits on, reparented to the nearest subreaper, until another
 * process opens the gate with {@link Gate#release(java.nio.file.Path)} at {@link #gateFifo()}.
 * It waits between clone and exec, still sharing the creator's memory (posix_spawn's
 * CLONE_VM | CLONE_VFORK), which outlives the creator for as long as the child needs it.
 */
public final class CreatedContainer {
    private final String id;
    private final Path bundle;
    private final LaunchPlan plan;
    private final long pid;
    private final Fd pidfd;
    private final Thread setup;
    private final Handoff handoff;
    private final PodCgroup cgroup;
    private boolean started;

    CreatedContainer(String id, Path bundle, LaunchPlan plan, long pid, Fd pidfd, Thread setup, Handoff handoff,
                     PodCgroup cgroup) {
        this.id = id;
        this.bundle = bundle;
        this.plan = plan;
        this.pid = pid;
        this.pidfd = pidfd;
        this.setup = setup;
        this.handoff = handoff;
        this.cgroup = cgroup;
    }

    /** The app's pid, as the host sees it. */
    public long pid() {
        return pid;
    }

    public String id() {
        return id;
    }

    public Spec spec() {
        return plan.spec();
    }

    /** The container's cgroup, if it has one. */
    public Optional<PodCgroup> cgroup() {
        return Optional.ofNullable(cgroup);
    }

    /** The gate's FIFO: {@link Gate#release} at this path starts the app from any process. */
    public Path gateFifo() {
        return handoff.gate.fifo();
    }

    /**
     * The master of the app's terminal (process.terminal), which the caller now owns (to relay,
     * or to pass on through a console socket); empty without a terminal.
     */
    public Optional<ContainerTerminal> takeTerminal() {
        int fd = handoff.terminalFd;
        handoff.terminalFd = -1;
        return fd < 0 ? Optional.empty() : Optional.of(new ContainerTerminal(new Fd(fd)));
    }

    /** The runtime-spec state, with {@code status}. */
    public State state(String status) {
        return new State(Spec.OCI_VERSION, id, status, pid, bundle.toString(), plan.spec().annotations());
    }

    /**
     * Lets the app run: opens its gate and waits until it has exec'd. Throws 127 or 126 when the
     * exec fails (the app is then gone, reaped), 125 when the app died in its gate. The
     * {@code poststart} hooks run afterwards; their failures come back as warnings.
     */
    public synchronized StartedContainer start() throws LaunchException {
        if (started) {
            throw new IllegalStateException("container " + id + " was started already");
        }
        started = true;
        boolean released;
        try {
            released = handoff.gate.release();
        } catch (ErrnoException e) {
            started = false;
            destroy();
            throw new LaunchException(LaunchException.JRUN_ERROR, "cannot open the gate of container " + id + ": "
                    + e.getMessage(), e);
        }
        handoff.gate.remove();
        if (!released) {
            Launcher.kill(pid); // it is gone, or still waits where no release can reach: either way
        }
        Threads.joinUninterruptibly(setup); // posix_spawn returns: exec'd, or failed
        if (!released || handoff.spawnError != null) {
            Launcher.reap(pid);
            closePidfd();
            Launcher.discard(cgroup);
            if (handoff.spawnError != null) {
                throw Launcher.execFailure(plan, handoff.spawnError);
            }
            throw new LaunchException(LaunchException.JRUN_ERROR, "the app of container " + id + " died before it started");
        }
        RunningContainer running = new RunningContainer(pid, pidfd, takeTerminal().orElse(null));
        List<String> warnings = HookRunner.runAll("poststart", plan.spec().hooks().poststart(), state(State.RUNNING));
        return new StartedContainer(running, warnings);
    }

    /** The app, started, and what the poststart hooks said. */
    public record StartedContainer(RunningContainer container, List<String> hookWarnings) {
    }

    /** Kills the app in its gate and removes what the create made (the gate, the cgroup, the terminal). */
    public synchronized void destroy() {
        if (started && !setup.isAlive()) {
            return;
        }
        started = true;
        try {
            Processes.pidfdSendSignal(pidfd.value(), Processes.SIGKILL);
        } catch (ErrnoException e) {
            // gone already
        }
        Threads.joinUninterruptibly(setup);
        Launcher.reap(pid);
        closePidfd();
        handoff.gate.remove();
        Launcher.closeQuietly(handoff.terminalFd);
        handoff.terminalFd = -1;
        Launcher.discard(cgroup);
    }

    private void closePidfd() {
        try {
            pidfd.close();
        } catch (ErrnoException e) {
            // nothing to do
        }
    }
}
