package io.jrun.runtime.pod;

import java.time.Instant;

/**
 * How a pod ended, written into its exit.json by its supervisor before it lets go of the
 * pod's lock.
 *
 * @param exitCode docker's: the app's code, 128+N for signal N, 125/126/127 for a launch
 *                 that failed; {@link #UNKNOWN_CODE} when nobody could learn it (an abandoned
 *                 app is not the child of the jrun that stops it, so no wait4 reads its status)
 * @param reason   "exited", "signal", "oom" (the OOM killer killed in the pod's cgroup: memory.events
 *                 oom_kill; the code is 137 when it killed the app itself), "launch-failed", or
 *                 "abandoned": its supervising jrun died, and jrun stop or gc recorded the end later
 * @param message  for a failed launch, the error; for an abandoned pod, how it was ended; else null
 */
public record PodExit(int exitCode, String reason, Instant exited, String message) {
    public static final String EXITED = "exited", SIGNAL = "signal", LAUNCH_FAILED = "launch-failed", OOM = "oom",
            ABANDONED = "abandoned";
    /** The exit code nobody knows; null in exit.json. */
    public static final int UNKNOWN_CODE = -1;

    public boolean exitCodeKnown() {
        return exitCode != UNKNOWN_CODE;
    }
}
