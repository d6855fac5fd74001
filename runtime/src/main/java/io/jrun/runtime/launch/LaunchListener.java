package io.jrun.runtime.launch;

/**
 * Told about a launch while it happens. {@link #gated} runs after the app's process exists and
 * before it may run: what is recorded there (the pod's pid.json, say) is on disk before any
 * code of the app runs, so no supervisor crash can leave a running app unrecorded.
 */
@FunctionalInterface
public interface LaunchListener {
    LaunchListener NONE = pid -> { };

    /**
     * The app's process, {@code pid} on the host, waits in its gate. Throwing fails the launch:
     * the process is killed before it runs.
     */
    void gated(long pid) throws Exception;

    /**
     * The container's cgroup was made at {@code dir} (still empty, the app not in it yet).
     * Throwing fails the launch.
     */
    default void cgroupMade(java.nio.file.Path dir) throws Exception {
    }
}
