package io.jrun.runtime.pod;

import java.time.Instant;

/**
 * How a pod ended, written into its exit.json by its supervisor before it lets go of the
 * pod's lock.
 *
 * @param exitCode docker's: the app's code, 128+N for signal N, 125/126/127 for a launch
 *                 that failed
 * @param reason   "exited", "signal", "oom" (the OOM killer killed in the pod's cgroup: memory.events
 *                 oom_kill; the code is 137 when it killed the app itself) or "launch-failed"
 * @param message  for a failed launch, the error; else null
 */
public record PodExit(int exitCode, String reason, Instant exited, String message) {
    public static final String EXITED = "exited", SIGNAL = "signal", LAUNCH_FAILED = "launch-failed", OOM = "oom";
}
