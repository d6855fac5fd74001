package io.jrun.api;

/**
 * Whether a container may write to a host directory bound into it.
 *
 * <pre>{@code
 * jrun.container("busybox").volume(Path.of("/srv/data"), "/data", VolumeMode.READ_ONLY);
 * }</pre>
 */
public enum VolumeMode {
    /** Writes fail with EROFS inside the container. */
    READ_ONLY,
    /** The container writes through to the host's files. */
    READ_WRITE
}
