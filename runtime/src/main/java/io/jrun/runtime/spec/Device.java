package io.jrun.runtime.spec;

/**
 * One of {@code linux.devices}: a node the runtime makes in the container.
 *
 * @param type     {@code c} (or {@code u}), {@code b} or {@code p}
 * @param path     its absolute path inside the container
 * @param major    for c, u and b
 * @param minor    for c, u and b
 * @param fileMode its permission bits, or null for 0666
 * @param uid      its owner, or null for 0
 * @param gid      its group, or null for 0
 */
public record Device(String type, String path, long major, long minor, Integer fileMode, Long uid, Long gid) {
    public Device {
        if (!"c".equals(type) && !"u".equals(type) && !"b".equals(type) && !"p".equals(type)) {
            throw new IllegalArgumentException("a device's type must be c, u, b or p, not \"" + type + "\"");
        }
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("a device's path must be absolute, not \"" + path + "\"");
        }
    }
}
