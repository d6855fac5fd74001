package io.jrun.runtime.spec;

import java.util.Map;

/**
 * The runtime-spec's state of a container, as {@code jrun-oci state} prints it and hooks read it.
 *
 * @param ociVersion  the specification version
 * @param id          the container's ID
 * @param status      {@code creating}, {@code created}, {@code running} or {@code stopped}
 * @param pid         the container process's pid as the host sees it (0 once stopped)
 * @param bundle      the bundle's absolute path
 * @param annotations the configuration's annotations
 */
public record State(String ociVersion, String id, String status, long pid, String bundle,
                    Map<String, String> annotations) {
    public static final String CREATING = "creating", CREATED = "created", RUNNING = "running", STOPPED = "stopped";

    public State {
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }
}
