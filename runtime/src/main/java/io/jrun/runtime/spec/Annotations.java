package io.jrun.runtime.spec;

/**
 * jrun's extensions to the OCI configuration, as annotations (the specification's place for
 * them; crun's are {@code run.oci.*}). Other runtimes ignore them.
 */
public final class Annotations {
    private Annotations() {
    }

    /**
     * docker's {@code USER} ({@code name[:group]} or numbers), resolved at create time in the
     * container's own {@code /etc/passwd} and {@code /etc/group}, once its root is mounted: it
     * then replaces {@code process.user}'s uid, gid and additionalGids, and sets {@code HOME}
     * unless the environment has one. Images name users; the specification wants numbers, and
     * jrun never mounts an image's root on the host to read them.
     */
    public static final String USER = "io.jrun.user";

    /**
     * The pod this container belongs to (its UUID), for jrun's own configurations.
     */
    public static final String POD = "io.jrun.pod";

    /** The image the container runs (its name), for jrun's own configurations. */
    public static final String IMAGE = "io.jrun.image";

    /** The signal that stops the app gracefully (the image's StopSignal, or --stop-signal). */
    public static final String STOP_SIGNAL = "io.jrun.stop-signal";
}
