package io.jrun.api;

/**
 * Where a container's standard output and error go. Its standard input is always
 * {@code /dev/null}.
 *
 * <pre>{@code
 * jrun.container("busybox").command("echo", "hi").output(Output.INHERIT).start();
 * }</pre>
 */
public enum Output {
    /**
     * Into a file in the pod's directory, both streams in the order written, which
     * {@link Container#logs()} reads (the default). The file goes with the pod.
     */
    CAPTURE,
    /** This JVM's own standard output and error. */
    INHERIT,
    /** Nowhere ({@code /dev/null}). */
    DISCARD
}
