package io.jrun.runtime.launch;

import io.jrun.linux.ErrnoException;
import io.jrun.linux.Fd;
import io.jrun.linux.FileSyscalls;
import io.jrun.linux.Pipes;
import io.jrun.linux.Poll;
import io.jrun.linux.Processes;
import io.jrun.linux.Spawn;
import io.jrun.runtime.spec.Hook;
import io.jrun.runtime.spec.SpecJson;
import io.jrun.runtime.spec.State;

import java.util.List;

/**
 * Runs the configuration's lifecycle hooks on the host, as the runtime specification says: each
 * program gets the container's state on its stdin, its own argv and environment, and is killed
 * after its timeout. Started with posix_spawn from the calling thread, which must be one of the
 * JVM's own (never a launch thread: those have the container's namespaces).
 */
public final class HookRunner {
    private HookRunner() {
    }

    /**
     * Runs {@code hooks} in order; the first that fails (exit code, signal, timeout, cannot be
     * started) ends it with an exception naming the hook and the {@code stage}.
     */
    public static void run(String stage, List<Hook> hooks, State state) throws LaunchException {
        for (Hook hook : hooks) {
            String failure = runOne(hook, state);
            if (failure != null) {
                throw new LaunchException(LaunchException.JRUN_ERROR, "the " + stage + " hook " + hook.path() + " "
                        + failure + ": fix the hook, or remove it from the configuration");
            }
        }
    }

    /** Runs {@code hooks}, all of them; returns the failures as messages (poststart, poststop: warnings). */
    public static List<String> runAll(String stage, List<Hook> hooks, State state) {
        java.util.ArrayList<String> failures = new java.util.ArrayList<>();
        for (Hook hook : hooks) {
            String failure = runOne(hook, state);
            if (failure != null) {
                failures.add("the " + stage + " hook " + hook.path() + " " + failure);
            }
        }
        return failures;
    }

    /** null when the hook succeeded, else what went wrong. */
    private static String runOne(Hook hook, State state) {
        List<String> argv = hook.args().isEmpty() ? List.of(hook.path()) : hook.args();
        long pid;
        try (Pipes.Pipe stdin = Pipes.pipe(); Spawn.FileActions actions = new Spawn.FileActions()) {
            actions.dup2(stdin.readEnd().value(), 0).closeFrom(3);
            try {
                pid = Spawn.spawn(hook.path(), argv, hook.env(), actions, 0, 0);
            } catch (ErrnoException e) {
                return "cannot be started: " + e.getMessage();
            }
            stdin.readEnd().close();
            try {
                FileSyscalls.write(stdin.writeEnd().value(), SpecJson.write(state));
            } catch (ErrnoException e) {
                // EPIPE: the hook does not read its stdin; that is its business
            }
        } catch (ErrnoException e) {
            return "cannot be started: " + e.getMessage();
        }
        try (Fd pidfd = Processes.pidfdOpen(pid)) {
            long ready = hook.timeout() == null ? Poll.awaitReadable(pidfd.value())
                    : Poll.awaitReadable(java.time.Duration.ofSeconds(hook.timeout()), pidfd.value());
            if (ready == 0) {
                Processes.pidfdSendSignal(pidfd.value(), Processes.SIGKILL);
                Processes.wait4(pid, 0);
                return "timed out after " + hook.timeout() + " s and was killed";
            }
            Processes.ExitStatus status = Processes.wait4(pid, 0);
            if (status.signal() != 0) {
                return "was killed by signal " + status.signal();
            }
            return status.exitCode() == 0 ? null : "failed with exit code " + status.exitCode();
        } catch (ErrnoException e) {
            return "could not be waited for: " + e.getMessage();
        }
    }
}
