package io.jrun.api;

/**
 * An image in the store.
 *
 * <pre>{@code
 * Image busybox = jrun.pull("docker.io/library/busybox:latest");
 * jrun.container(busybox.name()).command("true").start();
 * }</pre>
 *
 * @param name its name in the store, as containers name it ({@code docker.io/library/busybox:latest})
 * @param id   its ID: the digest of its config ({@code sha256:…})
 */
public record Image(String name, String id) {
}
