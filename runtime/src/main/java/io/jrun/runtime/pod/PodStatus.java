package io.jrun.runtime.pod;

import java.nio.file.Path;

/**
 * One pod as read from disk and from its lock at one moment.
 *
 * @param manifest  null for a pod whose pod.json is not written yet (or is unreadable)
 * @param process   the app, once launched; else null
 * @param exit      how it ended, once recorded; else null
 * @param abandoned its supervisor died without recording an exit (SIGKILL, a crash, power
 *                  loss); the app may still run, see {@link PodStore#appAlive}
 */
public record PodStatus(String uuid, PodPhase phase, PodState state, boolean abandoned, PodManifest manifest,
                        PodProcess process, PodExit exit, Path dir) {

    public String name() {
        return manifest == null ? null : manifest.name();
    }

    /** What ended it: the exit's reason ("exited", "signal", "launch-failed"), "abandoned", or null while it runs. */
    public String reason() {
        if (exit != null) {
            return exit.reason();
        }
        return abandoned ? "abandoned" : null;
    }
}
