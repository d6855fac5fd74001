package io.jrun.runtime.pod;

import io.jrun.linux.Processes;
import io.jrun.linux.Signals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Ends the apps of pods that no jrun supervises any more (abandoned: the lock is free and no
 * exit.json was written; the app, reparented to init, may still run) the way {@code jrun stop}
 * ends a supervised one: the stop signal, then SIGKILL once the timeout has passed. Then it
 * records in exit.json that the pod ended, with an exit code nobody can know: the app is not
 * the stopping jrun's child, so no wait4 reads its status. Every signal and wait goes through a
 * pidfd checked against pid.json's start time, so a recycled pid is never touched.
 *
 * <p>The caller holds each pod's lock exclusively while this runs: no other stop, rm or gc acts
 * on the pod meanwhile (and the pod reads as running until it lets go).
 */
final class AbandonedPods {
    private AbandonedPods() {
    }

    /** A pod to stop: its directory, its app (pid.json) and the signal to send first. */
    record Target(Path dir, PodProcess app, int signal) {
    }

    /**
     * Stops every target's app together: each gets its signal at once, all share one deadline,
     * those still running then get SIGKILL; then each exit is recorded. {@code by} names the
     * command in the record ("jrun stop", "jrun gc").
     */
    static void stop(List<Target> targets, Duration timeout, String by) throws IOException {
        List<PodSignals.PinnedApp> pinned = new ArrayList<>();
        try {
            List<String> outcomes = new ArrayList<>();
            for (Target t : targets) {
                Optional<PodSignals.PinnedApp> app = PodSignals.pin(t.app());
                pinned.add(app.orElse(null));
                boolean signalled = app.isPresent() && app.get().signal(t.signal());
                outcomes.add(signalled ? by + " sent " + Signals.name(t.signal()) : null);
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            for (int i = 0; i < targets.size(); i++) {
                PodSignals.PinnedApp app = pinned.get(i);
                if (app == null || outcomes.get(i) == null || targets.get(i).signal() == Processes.SIGKILL) {
                    continue;
                }
                Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
                if (!app.awaitExit(left) && app.signal(Processes.SIGKILL)) {
                    outcomes.set(i, outcomes.get(i) + ", and SIGKILL after " + describe(timeout));
                }
            }
            for (int i = 0; i < targets.size(); i++) {
                PodSignals.PinnedApp app = pinned.get(i);
                if (app != null) {
                    app.awaitExit(Duration.ofNanos(Long.MAX_VALUE)); // SIGKILL cannot be caught
                }
                record(targets.get(i), outcomes.get(i));
            }
        } finally {
            for (PodSignals.PinnedApp app : pinned) {
                if (app != null) {
                    app.close();
                }
            }
        }
    }

    /** Writes the exit.json of a pod whose app {@code outcome} ended (null: it had ended on its own). */
    private static void record(Target target, String outcome) throws IOException {
        if (Files.exists(target.dir().resolve("exit.json"))) {
            return;
        }
        String unsupervised = "its jrun died while the app ran";
        String message = unsupervised + (outcome == null ? ", and the app has ended since" : "; " + outcome)
                + ": the exit code is unknown (only a parent can read it)";
        PodLease.write(target.dir(), "exit.json", PodJson.exit(
                new PodExit(PodExit.UNKNOWN_CODE, PodExit.ABANDONED, Instant.now(), message)));
    }

    /** "10s", "1500ms", "2m": as jrun stop's --timeout takes it. */
    static String describe(Duration d) {
        if (d.toMillisPart() != 0 || d.isZero()) {
            return d.toMillis() + "ms";
        }
        if (d.toSecondsPart() != 0) {
            return d.toSeconds() + "s";
        }
        return d.toMinutes() + "m";
    }
}
