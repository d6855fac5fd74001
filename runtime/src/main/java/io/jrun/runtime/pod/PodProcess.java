package io.jrun.runtime.pod;

import java.time.Instant;

/**
 * The pod's app as the host sees it, in pid.json: its pid, and the process's start time
 * (field 22 of /proc/PID/stat, in clock ticks since boot) so that a recycled pid is never
 * mistaken for the app.
 */
public record PodProcess(long pid, long startTime, Instant started) {
}
