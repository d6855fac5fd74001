package io.jrun.runtime.pod;

/**
 * Where a pod's directory lives, rkt style: the phase is the parent directory, and a pod
 * moves between phases by an atomic rename, so a reader sees it in exactly one.
 * Whether a pod in {@link #RUN} still runs is told by its lock, not by its place.
 */
public enum PodPhase {
    /** Being set up by the jrun that holds its lock; abandoned if nobody does. */
    PREPARE("prepare"),
    /** Launched: running while its supervisor holds the lock, exited afterwards. */
    RUN("run"),
    /** Exited and marked by gc; swept after the grace period. */
    EXITED_GARBAGE("exited-garbage"),
    /** Being deleted. */
    GARBAGE("garbage");

    private final String directory;

    PodPhase(String directory) {
        this.directory = directory;
    }

    /** The directory under the pods directory that holds the pods of this phase. */
    public String directory() {
        return directory;
    }
}
