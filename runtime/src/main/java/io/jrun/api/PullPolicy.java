package io.jrun.api;

/**
 * When {@link ContainerBuilder#start()} fetches the image first, as {@code jrun run --pull}.
 *
 * <pre>{@code
 * jrun.container("registry.example/app:1").pull(PullPolicy.ALWAYS).start();
 * }</pre>
 */
public enum PullPolicy {
    /** Fetch only when the store has no image by that name (the default). */
    MISSING,
    /** Fetch every time, so a moved tag is followed. */
    ALWAYS,
    /** Never fetch: a missing image is an error naming {@link Jrun#pull(String)} as the fix. */
    NEVER
}
